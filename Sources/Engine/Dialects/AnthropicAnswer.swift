/// An Anthropic Messages answer as fanout saves it.
///
/// The response is the text blocks joined; `tool_use` blocks become tool calls in OpenAI's shape
/// (so one file's records read alike whichever endpoint answered); `stop_reason` maps to
/// `finish_reason` (`end_turn` and `stop_sequence` → `stop`, `max_tokens` → `length`, `tool_use` →
/// `tool_calls`, `refusal` → `content_filter`) and is kept as it was; `usage` holds the four counts
/// (input, output, cache read, cache write) and the raw usage is kept beside them.
enum AnthropicAnswer {
    /// A whole (unstreamed) answer body.
    static func parse(_ json: JSONValue) -> ParsedAnswer? {
        guard json["type"] == "message" || json["content"] != nil, case .array(let blocks)? = json["content"] else { return nil }
        var text = ""
        var calls: [JSONValue] = []
        for block in blocks {
            switch block["type"]?.stringValue {
            case "text": text += block["text"]?.stringValue ?? ""
            case "tool_use": calls.append(toolCall(id: block["id"], name: block["name"], arguments: (block["input"] ?? .object([])).encodedString))
            default: continue
            }
        }
        return answer(text: text, toolCalls: calls, stopReason: json["stop_reason"]?.stringValue, usage: json["usage"])
    }

    static func answer(text: String, toolCalls: [JSONValue], stopReason: String?, usage raw: JSONValue?) -> ParsedAnswer {
        var answer = ParsedAnswer(response: .string(text), usage: counts(raw))
        answer.finishReason = finishReason(stopReason)
        answer.stopReason = stopReason
        answer.rawUsage = raw.flatMap { $0 == .null ? nil : $0 }
        if !toolCalls.isEmpty { answer.toolCalls = .array(toolCalls) }
        return answer
    }

    /// A tool call in OpenAI's shape: `id`, `type`, `function` {`name`, `arguments` as a JSON string}.
    static func toolCall(id: JSONValue?, name: JSONValue?, arguments: String) -> JSONValue {
        .object([JSONField("id", id ?? .null), JSONField("type", "function"),
                 JSONField("function", .object([JSONField("name", name ?? .null), JSONField("arguments", .string(arguments))]))])
    }

    static func finishReason(_ stopReason: String?) -> String? {
        switch stopReason {
        case "end_turn", "stop_sequence": "stop"
        case "max_tokens": "length"
        case "tool_use": "tool_calls"
        case "refusal": "content_filter"
        case let other: other
        }
    }

    /// The four counts of an Anthropic usage object (absent ones as 0); nil without one.
    static func counts(_ raw: JSONValue?) -> JSONValue? {
        guard let raw, raw.isObject else { return nil }
        return .object(["input_tokens", "output_tokens", "cache_read_input_tokens", "cache_creation_input_tokens"].map { key in
            JSONField(key, .number(raw[key]?.intValue ?? 0))
        })
    }

    /// What a stream's `error` event (or an error body's `error.type`) comes to: the status the same
    /// error has as an HTTP answer, so `overloaded_error` after a 200 is retried like a 529.
    static func streamError(_ error: JSONValue?) -> EngineError {
        let type = error?["type"]?.stringValue ?? ""
        let message = error?["message"]?.stringValue ?? "no message"
        let status: Int? = switch type {
        case "overloaded_error": 529
        case "rate_limit_error": 429
        case "api_error": 500
        case "request_too_large": 413
        case "invalid_request_error": 400
        default: nil
        }
        guard let status else { return .invalidResponse(status: 200, "stream ended with an error: \(type.isEmpty ? "" : type + ": ")\(message)") }
        return .http(status: status, detail: "stream ended with an error: \(message)", type: type)
    }
}
