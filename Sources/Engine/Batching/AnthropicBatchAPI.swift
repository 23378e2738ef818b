/// Anthropic's Message Batches: `POST /v1/messages/batches` with the requests inline,
/// `GET /v1/messages/batches/{id}`, `…/cancel`, `GET /v1/messages/batches`, and its results (JSONL).
/// Its batches keep no metadata: a journal entry is matched by its requests' custom_ids.
struct AnthropicBatchAPI: BatchAPI {
    let http: BatchHTTP

    func upload(_ payload: [UInt8], name: String) async throws(EngineError) -> String? { nil }

    func create(fileID: String?, payload: [UInt8], key: String) async throws(EngineError) -> BatchObject {
        var batch = try object(await http.json("POST", "/messages/batches", body: payload))
        batch.key = key
        return batch
    }

    func get(_ id: String) async throws(EngineError) -> BatchObject {
        try object(await http.json("GET", "/messages/batches/\(BatchHTTP.segment(id))"))
    }

    func cancel(_ id: String) async throws(EngineError) -> BatchObject {
        try object(await http.json("POST", "/messages/batches/\(BatchHTTP.segment(id))/cancel"))
    }

    func list(since: Double) async throws(EngineError) -> [BatchObject] {
        try await http.list("/messages/batches", cursor: "after_id", since: since, parse: BatchObject.init(anthropic:))
    }

    /// Read from the endpoint's own origin (`…/messages/batches/{id}/results`), whatever host
    /// `results_url` names: the key never goes elsewhere.
    func results(of batch: BatchObject) async throws(EngineError) -> [BatchResult] {
        let bytes = try await http.call("GET", "/messages/batches/\(BatchHTTP.segment(batch.id))/results")
        return BatchHTTP.lines(bytes).compactMap(Self.result)
    }

    func deleteFile(_ id: String) async {}

    private func object(_ json: JSONValue) throws(EngineError) -> BatchObject {
        guard let batch = BatchObject(anthropic: json) else { throw .invalidResponse(status: 200, "the batch API's answer is not a message batch") }
        return batch
    }

    /// Anthropic's error types as HTTP statuses, for the errors file.
    static let statuses = ["invalid_request_error": 400, "authentication_error": 401, "permission_error": 403, "not_found_error": 404,
                           "request_too_large": 413, "rate_limit_error": 429, "api_error": 500, "overloaded_error": 529]

    /// `{"custom_id", "result": {"type": succeeded|errored|canceled|expired, "message"?, "error"?}}`.
    static func result(_ line: JSONValue) -> BatchResult? {
        guard let id = line["custom_id"]?.stringValue, let result = line["result"], let type = result["type"]?.stringValue else { return nil }
        switch type {
        case "succeeded":
            guard let message = result["message"], let answer = AnthropicAnswer.parse(message) else {
                return BatchResult(customID: id, outcome: .failed(.invalidResponse(status: 200, "the batch result's message is not an Anthropic message")))
            }
            return BatchResult(customID: id, outcome: .answered(answer))
        case "errored":
            let error = result["error"]?["error"] ?? result["error"]
            let kind = error?["type"]?.stringValue ?? "api_error"
            let status = statuses[kind] ?? 500
            return BatchResult(customID: id, outcome: .failed(.http(status: status, detail: error?["message"]?.stringValue ?? kind, type: kind)))
        case "canceled", "expired":
            return BatchResult(customID: id, outcome: .notRun(type))
        default:
            return nil
        }
    }
}
