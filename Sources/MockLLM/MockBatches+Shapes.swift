import Engine

/// The mock's batches in the providers' shapes: the objects, the result files, the answers.
extension MockBatches {
    /// Writes the batch's results: the requests run so far answered, the rest not run (expired or cancelled).
    func write(_ batch: inout Batch, ran: Int, status: String, into state: inout State) {
        var output: [UInt8] = []
        var errors: [UInt8] = []
        for (index, request) in batch.requests.enumerated() {
            let line: JSONValue
            var isError = false
            if index < ran {
                state.executions[request.customID, default: 0] += 1
                (line, isError) = batch.anthropic ? anthropicResult(request, number: index) : openAIResult(request, number: index)
            } else if batch.anthropic {
                line = .object([JSONField("custom_id", .string(request.customID)),
                                JSONField("result", .object([JSONField("type", .string(status == "expired" ? "expired" : "canceled"))]))])
            } else {
                isError = true
                let code = status == "expired" ? "batch_expired" : "batch_cancelled"
                line = .object([JSONField("id", .string("batch_req_\(batch.id)_\(index)")), JSONField("custom_id", .string(request.customID)),
                                JSONField("response", .null),
                                JSONField("error", .object([JSONField("code", .string(code)),
                                                            JSONField("message", .string("This request could not be executed before the batch \(status == "expired" ? "expired" : "was cancelled").")),
                                                           ]))])
            }
            if isError && !batch.anthropic { errors += line.encodedBytes + [0x0A] } else { output += line.encodedBytes + [0x0A] }
        }
        let now = clock()
        if !output.isEmpty || batch.anthropic {
            state.counter += 1
            batch.outputFileID = "file-mock\(state.counter)"
            state.files[batch.outputFileID!] = (output, "\(batch.id)_output.jsonl", now)
        }
        if !errors.isEmpty {
            state.counter += 1
            batch.errorFileID = "file-mock\(state.counter)"
            state.files[batch.errorFileID!] = (errors, "\(batch.id)_error.jsonl", now)
        }
    }

    /// An answer as OpenAI's batch output line; a body without messages is a 400 in the error file.
    private func openAIResult(_ request: (customID: String, body: JSONValue), number: Int) -> (JSONValue, Bool) {
        let body: JSONValue
        let status: Int
        if case .array? = request.body["messages"] {
            let prompt = MockReply.prompt(of: request.body)
            let (pieces, isCut) = MockReply.tokens(to: prompt, outputTokens: nil, maxTokens: request.body["max_tokens"]?.intValue)
            body = (try? JSONParser.parse(MockReply.completion(id: number, model: request.body["model"]?.stringValue ?? "mock", prompt: prompt,
                                                               pieces: pieces, isCut: isCut, chat: true))) ?? .null
            status = 200
        } else {
            body = (try? JSONParser.parse(MockReply.error(status: 400, message: "'messages' is a required property", type: "invalid_request_error"))) ?? .null
            status = 400
        }
        let line: JSONValue = .object([
            JSONField("id", .string("batch_req_\(number)")), JSONField("custom_id", .string(request.customID)),
            JSONField("response", .object([JSONField("status_code", .number(status)), JSONField("request_id", .string("req_mock\(number)")),
                                           JSONField("body", body)])),
            JSONField("error", .null),
        ])
        return (line, status != 200)
    }

    /// An answer as Anthropic's result line; params without messages are `errored`.
    private func anthropicResult(_ request: (customID: String, body: JSONValue), number: Int) -> (JSONValue, Bool) {
        guard case .array? = request.body["messages"] else {
            let error: JSONValue = .object([JSONField("type", "error"), JSONField("error", .object([
                JSONField("type", "invalid_request_error"), JSONField("message", "messages: Field required")]))])
            return (.object([JSONField("custom_id", .string(request.customID)),
                             JSONField("result", .object([JSONField("type", "errored"), JSONField("error", error)]))]), true)
        }
        let prompt = MockReply.prompt(of: request.body)
        let (pieces, isCut) = MockReply.tokens(to: prompt, outputTokens: nil, maxTokens: request.body["max_tokens"]?.intValue)
        let message = (try? JSONParser.parse(AnthropicMockReply.message(id: number, model: request.body["model"]?.stringValue ?? "mock",
                                                                         prompt: prompt, pieces: pieces, isCut: isCut))) ?? .null
        return (.object([JSONField("custom_id", .string(request.customID)),
                         JSONField("result", .object([JSONField("type", "succeeded"), JSONField("message", message)]))]), false)
    }

    /// OpenAI's batch object.
    func openAIObject(_ batch: Batch, now: Double) -> JSONValue {
        let ran = ran(batch, now: now)
        var status = batch.endStatus ?? (now - batch.created < 0.05 ? "validating" : "in_progress")
        if batch.endStatus == nil, batch.cancelledAt != nil { status = "cancelling" }
        let failed = batch.requests.prefix(ran).filter { !($0.body["messages"].map { if case .array = $0 { true } else { false } } ?? false) }.count
        func time(_ value: Double?) -> JSONValue { value.map { .number(Int($0)) } ?? .null }
        var errors: JSONValue = .null
        if let failure = batch.failure {
            errors = .object([JSONField("object", "list"), JSONField("data", [.object([JSONField("code", "invalid_input"), JSONField("message", .string(failure))])])])
        }
        return .object([
            JSONField("id", .string(batch.id)), JSONField("object", "batch"), JSONField("endpoint", "/v1/chat/completions"),
            JSONField("errors", errors), JSONField("input_file_id", .string(batch.inputFileID ?? "")), JSONField("completion_window", "24h"),
            JSONField("status", .string(status)), JSONField("output_file_id", batch.outputFileID.map(JSONValue.string) ?? .null),
            JSONField("error_file_id", batch.errorFileID.map(JSONValue.string) ?? .null),
            JSONField("created_at", time(batch.created)), JSONField("in_progress_at", time(batch.created + 0.05)),
            JSONField("expires_at", time(batch.created + (expireAfter ?? 86_400))),
            JSONField("finalizing_at", .null), JSONField("completed_at", time(status == "completed" ? batch.ended : nil)),
            JSONField("failed_at", time(status == "failed" ? batch.ended : nil)), JSONField("expired_at", time(status == "expired" ? batch.ended : nil)),
            JSONField("cancelling_at", time(batch.cancelledAt)), JSONField("cancelled_at", time(status == "cancelled" ? batch.ended : nil)),
            JSONField("request_counts", .object([JSONField("total", .number(batch.requests.count)), JSONField("completed", .number(ran - failed)),
                                                 JSONField("failed", .number(failed))])),
            JSONField("metadata", batch.metadata),
        ])
    }

    /// Anthropic's message batch object.
    func anthropicObject(_ batch: Batch, now: Double, baseURL: String) -> JSONValue {
        let ran = ran(batch, now: now)
        let ended = batch.ended != nil
        let status = ended ? "ended" : batch.cancelledAt != nil ? "canceling" : "in_progress"
        let errored = batch.requests.prefix(ran).filter { $0.body["messages"] == nil }.count
        let notRun = batch.requests.count - ran
        let counts: JSONValue = .object([
            JSONField("processing", .number(ended ? 0 : notRun)), JSONField("succeeded", .number(ran - errored)), JSONField("errored", .number(errored)),
            JSONField("canceled", .number(ended && batch.endStatus == "canceled" ? notRun : 0)),
            JSONField("expired", .number(ended && batch.endStatus == "expired" ? notRun : 0)),
        ])
        func time(_ value: Double?) -> JSONValue { value.map { .string(RFC3339.text($0)) } ?? .null }
        return .object([
            JSONField("id", .string(batch.id)), JSONField("type", "message_batch"), JSONField("processing_status", .string(status)),
            JSONField("request_counts", counts), JSONField("ended_at", time(batch.ended)), JSONField("created_at", time(batch.created)),
            JSONField("expires_at", time(batch.created + (expireAfter ?? 86_400))), JSONField("archived_at", .null),
            JSONField("cancel_initiated_at", time(batch.cancelledAt)),
            JSONField("results_url", ended ? .string("\(baseURL)/messages/batches/\(batch.id)/results") : .null),
        ])
    }
}
