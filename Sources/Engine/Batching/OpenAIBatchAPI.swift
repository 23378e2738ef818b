/// OpenAI's Files and Batches API: `POST /v1/files` (multipart, `purpose=batch`), `POST /v1/batches`,
/// `GET /v1/batches/{id}`, `POST /v1/batches/{id}/cancel`, `GET /v1/batches`, `GET /v1/files/{id}/content`.
struct OpenAIBatchAPI: BatchAPI {
    let http: BatchHTTP
    /// Names the run in each batch's metadata.
    let runName: String

    func upload(_ payload: [UInt8], name: String) async throws(EngineError) -> String? {
        let boundary = "fanout-" + String(UInt64.random(in: .min ... .max), radix: 16)
        let body = Multipart.body(boundary: boundary, fields: [("purpose", "batch")], file: (name: "file", filename: name, bytes: payload))
        let json = try await http.json("POST", "/files", body: body, contentType: "multipart/form-data; boundary=\(boundary)")
        guard let id = json["id"]?.stringValue else { throw .invalidResponse(status: 200, "the file upload's answer names no id") }
        return id
    }

    func create(fileID: String?, payload: [UInt8], key: String) async throws(EngineError) -> BatchObject {
        let body: JSONValue = .object([
            JSONField("input_file_id", .string(fileID ?? "")),
            JSONField("endpoint", "/v1/chat/completions"),
            JSONField("completion_window", "24h"),
            JSONField("metadata", .object([
                JSONField(BatchObject.metadataKey, .string(key)),
                JSONField("fanout_run", .string(String(runName.prefix(512)))),
            ])),
        ])
        return try object(await http.json("POST", "/batches", body: body.encodedBytes))
    }

    func get(_ id: String) async throws(EngineError) -> BatchObject {
        try object(await http.json("GET", "/batches/\(BatchHTTP.segment(id))"))
    }

    func cancel(_ id: String) async throws(EngineError) -> BatchObject {
        try object(await http.json("POST", "/batches/\(BatchHTTP.segment(id))/cancel"))
    }

    func list(since: Double) async throws(EngineError) -> [BatchObject] {
        try await http.list("/batches", cursor: "after", since: since, parse: BatchObject.init(openAI:))
    }

    func results(of batch: BatchObject) async throws(EngineError) -> [BatchResult] {
        var results: [BatchResult] = []
        for file in [batch.outputFileID, batch.errorFileID].compactMap({ $0 }) {
            let bytes = try await http.call("GET", "/files/\(BatchHTTP.segment(file))/content")
            results += BatchHTTP.lines(bytes).compactMap(Self.result)
        }
        return results
    }

    func deleteFile(_ id: String) async {
        _ = try? await http.call("DELETE", "/files/\(BatchHTTP.segment(id))")
    }

    private func object(_ json: JSONValue) throws(EngineError) -> BatchObject {
        guard let batch = BatchObject(openAI: json) else { throw .invalidResponse(status: 200, "the batch API's answer is not a batch object") }
        return batch
    }

    /// One line of an output or error file: `{"custom_id", "response": {"status_code", "body"}, "error"}`.
    static func result(_ line: JSONValue) -> BatchResult? {
        guard let id = line["custom_id"]?.stringValue else { return nil }
        if let error = line["error"], error.isObject {
            let code = error["code"]?.stringValue ?? ""
            let message = error["message"]?.stringValue ?? code
            if code == "batch_expired" || code == "batch_cancelled" { return BatchResult(customID: id, outcome: .notRun(code)) }
            return BatchResult(customID: id, outcome: .failed(.http(status: 400, detail: message, code: code)))
        }
        guard let response = line["response"], let status = response["status_code"]?.intValue else { return nil }
        let body = response["body"] ?? .null
        var headers: [HeaderField] = []
        if let requestID = response["request_id"]?.stringValue { headers.append(HeaderField("x-request-id", requestID)) }
        let reply = TransportResponse(status: status, headers: headers, body: body.encodedBytes)
        switch ResponseParser.interpret(reply, wallClock: 0) {
        case .success(let answer): return BatchResult(customID: id, outcome: .answered(answer))
        case .failure(let error): return BatchResult(customID: id, outcome: .failed(error))
        }
    }
}
