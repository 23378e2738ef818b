/// A provider's batch as fanout reads it, from OpenAI's batch object or Anthropic's message batch.
public struct BatchObject: Sendable, Hashable {
    /// The provider's id (`batch_…`, `msgbatch_…`).
    public var id: String
    /// The provider's status as it gives it: OpenAI's `validating`, `in_progress`, `finalizing`,
    /// `completed`, `expired`, `cancelling`, `cancelled`, `failed`; Anthropic's `in_progress`,
    /// `canceling`, `ended`.
    public var status: String
    public var total = 0
    public var completed = 0
    public var failed = 0
    /// Unix seconds.
    public var createdAt: Double?
    public var expiresAt: Double?
    /// OpenAI: the uploaded file it runs, and the files of its answers and errors.
    public var inputFileID: String?
    public var outputFileID: String?
    public var errorFileID: String?
    /// Anthropic: where its results are read once it has ended.
    public var resultsURL: String?
    /// `metadata.fanout_batch`: the journal's key for it.
    public var key: String?
    /// Why a batch failed validation (OpenAI `errors.data[].message`).
    public var failure: String?

    public init(id: String, status: String) {
        self.id = id
        self.status = status
    }

    /// No more will happen to it: its results can be read.
    public var hasEnded: Bool { ["completed", "expired", "cancelled", "failed", "ended"].contains(status) }
    /// It failed validation: none of its requests ran.
    public var failedValidation: Bool { status == "failed" }
    /// A cancel was asked for or took effect.
    public var isCancelling: Bool { ["cancelling", "canceling", "cancelled"].contains(status) }

    /// From OpenAI's batch object.
    public init?(openAI json: JSONValue) {
        guard let id = json["id"]?.stringValue, let status = json["status"]?.stringValue else { return nil }
        self.init(id: id, status: status)
        let counts = json["request_counts"]
        total = counts?["total"]?.intValue ?? 0
        completed = counts?["completed"]?.intValue ?? 0
        failed = counts?["failed"]?.intValue ?? 0
        createdAt = json["created_at"]?.doubleValue
        expiresAt = json["expires_at"]?.doubleValue
        inputFileID = json["input_file_id"]?.stringValue
        outputFileID = json["output_file_id"]?.stringValue
        errorFileID = json["error_file_id"]?.stringValue
        key = json["metadata"]?[Self.metadataKey]?.stringValue
        failure = json["errors"]?["data"]?[0]?["message"]?.stringValue
    }

    /// From Anthropic's message batch; its `request_counts` are `processing`, `succeeded`,
    /// `errored`, `canceled` and `expired`.
    public init?(anthropic json: JSONValue) {
        guard let id = json["id"]?.stringValue, let status = json["processing_status"]?.stringValue else { return nil }
        self.init(id: id, status: status)
        let counts = json["request_counts"]
        let parts = ["processing", "succeeded", "errored", "canceled", "expired"].map { counts?[$0]?.intValue ?? 0 }
        total = parts.reduce(0, +)
        completed = parts[1]
        failed = parts[2]
        createdAt = json["created_at"]?.stringValue.flatMap(RFC3339.seconds)
        expiresAt = json["expires_at"]?.stringValue.flatMap(RFC3339.seconds)
        resultsURL = json["results_url"]?.stringValue
    }

    /// The metadata key naming fanout's journal entry for a batch.
    public static let metadataKey = "fanout_batch"
}

/// RFC 3339 times as Anthropic writes them (`2024-08-20T18:37:24.100435Z`).
public enum RFC3339Text {
    /// `seconds` (Unix) as `YYYY-MM-DDTHH:MM:SSZ`.
    public static func text(_ seconds: Double) -> String { RFC3339.text(seconds) }
}

enum RFC3339 {
    /// Unix seconds, or nil for text that is not such a time.
    static func seconds(_ text: String) -> Double? {
        let bytes = Array(text.utf8)
        guard bytes.count >= 20 else { return nil }
        func number(_ range: Range<Int>) -> Int? { Int(String(decoding: bytes[range], as: UTF8.self)) }
        guard let year = number(0..<4), let month = number(5..<7), let day = number(8..<10),
              let hour = number(11..<13), let minute = number(14..<16), let second = number(17..<19),
              (1...12).contains(month), (1...31).contains(day) else { return nil }
        var fraction = 0.0
        if bytes[19] == UInt8(ascii: "."), let end = bytes[20...].firstIndex(where: { !($0 >= 0x30 && $0 <= 0x39) }) {
            fraction = Double("0." + String(decoding: bytes[20..<end], as: UTF8.self)) ?? 0
        }
        return Double(days(year: year, month: month, day: day) * 86_400 + hour * 3600 + minute * 60 + second) + fraction
    }

    /// Days from 1970-01-01 (Howard Hinnant's days_from_civil).
    static func days(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    /// `seconds` (Unix) as `YYYY-MM-DDTHH:MM:SSZ`.
    static func text(_ seconds: Double) -> String {
        let total = Int(seconds.rounded(.down))
        var days = total / 86_400
        let rest = total - days * 86_400
        days += 719_468
        let era = (days >= 0 ? days : days - 146_096) / 146_097
        let doe = days - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let day = doy - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        let year = yoe + era * 400 + (month <= 2 ? 1 : 0)
        func two(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }
        return "\(year)-\(two(month))-\(two(day))T\(two(rest / 3600)):\(two(rest % 3600 / 60)):\(two(rest % 60))Z"
    }
}
