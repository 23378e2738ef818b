/// One send of a record before its last, as its line's `sends` keeps them, so a report rebuilt from
/// the files (`fanout report`) counts what the run counted: each endpoint's sends, retries, resends
/// and failed attempts by kind.
///
/// Written only for records sent more than once, as `"sends": [{"endpoint", "error"?, "latency_ms"?,
/// "resend"?}, …]` in send order, the last send included.
public struct SendTrace: Sendable, Hashable {
    public var endpoint: String
    /// A send again of one the server did not process: not an attempt.
    public var isResend = false
    /// The kind of the failed attempt this send was (nil: answered, or not counted as an error).
    public var errorKind: ErrorKind?
    /// Seconds from the send to its failure.
    public var latency: Double?

    public init(endpoint: String, isResend: Bool = false, errorKind: ErrorKind? = nil, latency: Double? = nil) {
        self.endpoint = endpoint
        self.isResend = isResend
        self.errorKind = errorKind
        self.latency = latency
    }

    public static let key = "sends"
    /// The most sends a line keeps (a record retried without end under a long patience keeps its first ones).
    public static let maxKept = 64

    var json: JSONValue {
        var fields = [JSONField("endpoint", .string(endpoint))]
        if isResend { fields.append(JSONField("resend", true)) }
        if let errorKind { fields.append(JSONField("error", .string(errorKind.code))) }
        if let latency { fields.append(JSONField("latency_ms", OutputRecord.milliseconds(latency))) }
        return .object(fields)
    }

    /// A line's `sends`, nil when absent or not a list of such objects (a line from another tool).
    public static func read(_ value: JSONValue?) -> [SendTrace]? {
        guard case .array(let items)? = value, !items.isEmpty, items.count <= maxKept else { return nil }
        var traces: [SendTrace] = []
        for item in items {
            guard let endpoint = item["endpoint"]?.stringValue else { return nil }
            var trace = SendTrace(endpoint: endpoint, isResend: item["resend"] == .bool(true))
            if let code = item["error"]?.stringValue { trace.errorKind = ErrorKind.allCases.first { $0.code == code } ?? .other }
            // Up to a week, as the rebuild holds every time it reads.
            if let milliseconds = item["latency_ms"]?.doubleValue, (0...604_800_000).contains(milliseconds) { trace.latency = milliseconds / 1000 }
            traces.append(trace)
        }
        return traces
    }
}

extension JSONValue {
    /// This line with `sends` added (fanout's own lines only; nil or a single send adds nothing).
    func adding(sends: [SendTrace]?) -> JSONValue {
        guard let sends, sends.count > 1, case .object(var fields) = self else { return self }
        fields.append(JSONField(SendTrace.key, .array(sends.map(\.json))))
        return .object(fields)
    }
}
