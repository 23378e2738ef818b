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

    /// The statuses after which nothing more happens to a batch (OpenAI's and Anthropic's).
    public static let endedStatuses: Set = ["completed", "expired", "cancelled", "failed", "ended"]

    /// No more will happen to it: its results can be read.
    public var hasEnded: Bool { Self.endedStatuses.contains(status) }
    /// It failed validation: none of its requests ran.
    public var failedValidation: Bool { status == "failed" }

    /// From OpenAI's batch object.
    public init?(openAI json: JSONValue) {
        guard let id = json["id"]?.stringValue, let status = json["status"]?.stringValue else { return nil }
        self.init(id: id, status: status)
        let counts = json["request_counts"]
        total = Self.count(counts?["total"])
        completed = Self.count(counts?["completed"])
        failed = Self.count(counts?["failed"])
        createdAt = Self.time(json["created_at"]?.doubleValue)
        expiresAt = Self.time(json["expires_at"]?.doubleValue)
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
        let parts = ["processing", "succeeded", "errored", "canceled", "expired"].map { Self.count(counts?[$0]) }
        total = parts.reduce(0, +)
        completed = parts[1]
        failed = parts[2]
        createdAt = Self.time(json["created_at"]?.stringValue.flatMap(RFC3339.seconds))
        expiresAt = Self.time(json["expires_at"]?.stringValue.flatMap(RFC3339.seconds))
        resultsURL = json["results_url"]?.stringValue
    }

    /// A count as the provider gives it, held to 0…10^9 (a batch holds at most 100,000 requests).
    static func count(_ value: JSONValue?) -> Int {
        guard let number = value?.doubleValue, number.isFinite else { return 0 }
        return Int(min(1e9, max(0, number)))
    }

    /// Unix seconds held to 0…10^11, or nil.
    static func time(_ value: Double?) -> Double? {
        guard let value, value.isFinite, value >= 0, value < 1e11 else { return nil }
        return value
    }

    /// The metadata key naming fanout's journal entry for a batch.
    public static let metadataKey = "fanout_batch"
}
