/// The JSON lines fanout writes: one per record, in the save file or the errors file.
public enum OutputRecord {
    /// The key of the input line's fingerprint, written in the records of lines named by their
    /// number (`LineFingerprint`): a resumed run checks it before taking such a record as done.
    public static let fingerprintKey = "line_fingerprint"

    /// `line_fingerprint` for a line named by its number; nothing for a named id (matched by id).
    static func fingerprintField(namedID: Bool, _ fingerprint: UInt64) -> [JSONField] {
        namedID || fingerprint == 0 ? [] : [JSONField(fingerprintKey, .string(LineFingerprint.text(fingerprint)))]
    }

    /// `{"id", "input", "response", "finish_reason", "endpoint", "attempts", "latency_ms", "refusal"?,
    /// "tool_calls"?, "logprobs"?, "usage"?, "cost_usd", "request_id"?,
    /// "ttft_ms"?, "e2e_ms"?, "tpot_ms"?, "output_tokens"?, "itl_ms"?, "metadata"?}`: the stream
    /// fields for a streamed answer (`StreamTiming`).
    /// - Parameters:
    ///   - startedAt: Unix seconds the attempt was sent (`started_at`; nil leaves it out).
    ///   - cost: US dollars every attempt of the record cost (`cost_usd`; null when not known).
    public static func success(record: RequestRecord, answer: ParsedAnswer, endpoint: String, attempts: Int,
                               latency: Double, startedAt: Double? = nil, cost: Double? = nil) -> JSONValue {
        var fields: [JSONField] = [
            JSONField("id", .string(record.id)),
            JSONField("input", record.input),
            JSONField("response", answer.response),
            JSONField("finish_reason", answer.finishReason.map(JSONValue.string) ?? .null),
            JSONField("endpoint", .string(endpoint)),
            JSONField("attempts", .number(attempts)),
            JSONField("latency_ms", .number((latency * 1000).rounded())),
        ]
        if let refusal = answer.refusal { fields.append(JSONField("refusal", refusal)) }
        if let toolCalls = answer.toolCalls { fields.append(JSONField("tool_calls", toolCalls)) }
        if let logprobs = answer.logprobs { fields.append(JSONField("logprobs", logprobs)) }
        if let stopReason = answer.stopReason { fields.append(JSONField("stop_reason", .string(stopReason))) }
        if let usage = answer.usage, usage != .null { fields.append(JSONField("usage", usage)) }
        if let raw = answer.rawUsage { fields.append(JSONField("raw_usage", raw)) }
        fields.append(JSONField(costKey, dollars(cost)))
        if let requestID = answer.requestID { fields.append(JSONField("request_id", .string(requestID))) }
        if let timing = answer.timing { fields += timingFields(timing) }
        if let startedAt { fields.append(JSONField("started_at", unixSeconds(startedAt))) }
        fields += fingerprintField(namedID: record.namedID, record.fingerprint)
        if let metadata = record.metadata { fields.append(JSONField("metadata", metadata)) }
        return .object(fields)
    }

    /// A streamed answer's timing in milliseconds (two decimals), from the request's write:
    /// `tpot_ms` = (`e2e_ms` − `ttft_ms`) / (`output_tokens` − 1), `itl_ms` the gaps between output chunks.
    static func timingFields(_ timing: StreamTiming) -> [JSONField] {
        var fields = [JSONField("ttft_ms", milliseconds(timing.ttft)), JSONField("e2e_ms", milliseconds(timing.duration))]
        if let tpot = timing.tpot { fields.append(JSONField("tpot_ms", milliseconds(tpot))) }
        fields.append(JSONField("output_tokens", .number(timing.outputTokens)))
        fields.append(JSONField("itl_ms", .array(timing.itl.map(milliseconds))))
        return fields
    }

    /// The key of what a record's attempts cost, in US dollars; a resumed run adds these up.
    public static let costKey = "cost_usd"

    /// US dollars to a tenth of a nanodollar (null: not known).
    static func dollars(_ value: Double?) -> JSONValue {
        guard let value, value.isFinite else { return .null }
        return .number((max(0, value) * 1e10).rounded() / 1e10)
    }

    /// Unix seconds with milliseconds.
    static func unixSeconds(_ seconds: Double) -> JSONValue { .number((seconds * 1000).rounded() / 1000) }

    static func milliseconds(_ seconds: Double) -> JSONValue { .number((seconds * 100_000).rounded() / 100) }

    /// `{"id", "input", "error", "status", "attempts", "endpoint", "line", "cost_usd", "url"?, "metadata"?}` for a
    /// record that failed its last attempt. Fed back as input, such a line is sent again as it was
    /// (`url` keeps a Batch line's path).
    public static func failure(record: RequestRecord, error: String, status: Int?, attempts: Int, endpoint: String?,
                               startedAt: Double? = nil, cost: Double? = 0) -> JSONValue {
        var fields: [JSONField] = [
            JSONField("id", .string(record.id)),
            JSONField("input", record.input),
            JSONField("error", .string(error)),
            JSONField("status", status.map { .number($0) } ?? .null),
            JSONField("attempts", .number(attempts)),
            JSONField("endpoint", endpoint.map(JSONValue.string) ?? .null),
            JSONField("line", .number(record.line)),
            JSONField(costKey, dollars(cost)),
        ]
        if let path = record.path { fields.append(JSONField("url", .string(path))) }
        if let startedAt { fields.append(JSONField("started_at", unixSeconds(startedAt))) }
        fields += fingerprintField(namedID: record.namedID, record.fingerprint)
        if let metadata = record.metadata { fields.append(JSONField("metadata", metadata)) }
        return .object(fields)
    }

    /// The error record of an input line that could not be sent; `input` is the raw line text.
    public static func badLine(_ bad: BadLine) -> JSONValue {
        .object([
            JSONField("id", .string(bad.id)),
            JSONField("input", .string(bad.raw)),
            JSONField("error", .string("line \(bad.line): \(bad.reason)")),
            JSONField("status", .null),
            JSONField("attempts", 0),
            JSONField("endpoint", .null),
            JSONField("line", .number(bad.line)),
            JSONField(costKey, 0),
        ] + fingerprintField(namedID: false, bad.fingerprint))
    }
}
