/// Lines in the OpenAI Batch API's output format.
///
/// Success: `{"id": "batch_req_…", "custom_id", "response": {"status_code", "request_id", "body"},
/// "error": null}`. Failure (errors file): `"response": null, "error": {"code", "message"}`. The
/// `id` is derived from the record id (stable across resumed runs); `custom_id` is the record id,
/// which is what a resumed run reads back.
public enum BatchOutputRecord {
    public static func success(record: RequestRecord, answer: ParsedAnswer) -> JSONValue {
        .object([
            JSONField("id", .string(lineID(record.id))),
            JSONField("custom_id", .string(record.id)),
            JSONField("response", .object([
                JSONField("status_code", .number(answer.status)),
                JSONField("request_id", .string(answer.requestID ?? "")),
                JSONField("body", answer.body ?? answer.response),
            ])),
            JSONField("error", .null),
        ])
    }

    /// The code is `http_<status>` for an HTTP error, else the error kind's code (e.g. `timeout`).
    public static func failure(record: RequestRecord, error: EngineError, message: String) -> JSONValue {
        failure(id: record.id, code: error.status.map { "http_\($0)" } ?? error.kind.code, message: message)
    }

    public static func badLine(_ bad: BadLine) -> JSONValue {
        failure(id: bad.id, code: ErrorKind.badInput.code, message: "line \(bad.line): \(bad.reason)")
    }

    static func failure(id: String, code: String, message: String) -> JSONValue {
        .object([
            JSONField("id", .string(lineID(id))),
            JSONField("custom_id", .string(id)),
            JSONField("response", .null),
            JSONField("error", .object([JSONField("code", .string(code)), JSONField("message", .string(message))])),
        ])
    }

    /// `batch_req_` and 16 hex digits of the id's fingerprint.
    static func lineID(_ id: String) -> String {
        let hex = String(IDSet.fingerprint(id), radix: 16)
        return "batch_req_" + String(repeating: "0", count: 16 - hex.count) + hex
    }
}
