/// Lines in Anthropic's Message Batches results format (`--output_format anthropic-batch`).
///
/// Success: `{"custom_id", "result": {"type": "succeeded", "message": {…}}}` — the endpoint's own
/// message when it was an Anthropic endpoint, else one built from the answer (text and tool-use
/// blocks, `stop_reason`, `usage`). Failure: `{"custom_id", "result": {"type": "errored", "error":
/// {"type": "error", "error": {"type", "message"}}}}`.
public enum MessageBatchOutputRecord {
    public static func success(record: RequestRecord, answer: ParsedAnswer) -> JSONValue {
        line(record.id, .object([JSONField("type", "succeeded"), JSONField("message", message(answer))]))
    }

    public static func failure(record: RequestRecord, error: EngineError, message: String) -> JSONValue {
        errored(record.id, type: errorType(error), message: message)
    }

    public static func badLine(_ bad: BadLine) -> JSONValue {
        errored(bad.id, type: "invalid_request_error", message: "line \(bad.line): \(bad.reason)")
    }

    static func line(_ id: String, _ result: JSONValue) -> JSONValue {
        .object([JSONField("custom_id", .string(id)), JSONField("result", result)])
    }

    static func errored(_ id: String, type: String, message: String) -> JSONValue {
        line(id, .object([JSONField("type", "errored"), JSONField("error", .object([
            JSONField("type", "error"), JSONField("error", .object([JSONField("type", .string(type)), JSONField("message", .string(message))])),
        ]))]))
    }

    /// Anthropic's error type for a failure.
    static func errorType(_ error: EngineError) -> String {
        switch error.status {
        case 400?: "invalid_request_error"
        case 401?: "authentication_error"
        case 403?: "permission_error"
        case 404?: "not_found_error"
        case 413?: "request_too_large"
        case 429?: "rate_limit_error"
        case 529?: "overloaded_error"
        default: error.isOutOfFunds ? "billing_error" : "api_error"
        }
    }

    /// The Anthropic message the answer came as, or one made from it.
    static func message(_ answer: ParsedAnswer) -> JSONValue {
        if let body = answer.body, body["type"] == "message" { return body }
        var content: [JSONValue] = []
        if let text = answer.response.stringValue, !text.isEmpty || answer.toolCalls == nil {
            content.append(.object([JSONField("type", "text"), JSONField("text", .string(text))]))
        }
        if case .array(let calls)? = answer.toolCalls {
            for call in calls {
                let arguments = call["function"]?["arguments"]?.stringValue ?? "{}"
                content.append(.object([JSONField("type", "tool_use"), JSONField("id", call["id"] ?? .null),
                                        JSONField("name", call["function"]?["name"] ?? .null),
                                        JSONField("input", (try? JSONParser.parse(Array(arguments.utf8))) ?? .object([]))]))
            }
        }
        let tokens = TokenUsage(usage: answer.usage)
        return .object([
            JSONField("id", .string(answer.requestID.map { "msg_" + $0 } ?? "msg_fanout")), JSONField("type", "message"),
            JSONField("role", "assistant"), JSONField("model", answer.model.map(JSONValue.string) ?? .null),
            JSONField("content", .array(content)),
            JSONField("stop_reason", .string(answer.stopReason ?? stopReason(answer.finishReason))), JSONField("stop_sequence", .null),
            JSONField("usage", .object([
                JSONField("input_tokens", .number(tokens?.uncachedInput ?? 0)), JSONField("cache_creation_input_tokens", .number(tokens?.cacheWrite ?? 0)),
                JSONField("cache_read_input_tokens", .number(tokens?.cacheRead ?? 0)), JSONField("output_tokens", .number(tokens?.output ?? 0)),
            ])),
        ])
    }

    static func stopReason(_ finishReason: String?) -> String {
        switch finishReason {
        case "length": "max_tokens"
        case "tool_calls", "function_call": "tool_use"
        case "content_filter": "refusal"
        default: "end_turn"
        }
    }
}
