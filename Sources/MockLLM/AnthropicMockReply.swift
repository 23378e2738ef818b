import Engine

/// The mock's answers in Anthropic's Messages shapes (`mock-server --api anthropic`), and its
/// strict reading of requests: what the real API refuses with a 400, the mock refuses too.
enum AnthropicMockReply {
    /// Top-level fields the Messages API takes; any other is a 400 ("Extra inputs are not permitted").
    static let fields: Set<String> = ["model", "messages", "max_tokens", "system", "stop_sequences", "temperature", "top_p", "top_k",
                                      "stream", "metadata", "tools", "tool_choice", "thinking", "service_tier", "container", "mcp_servers"]

    /// Why the API would refuse this request, or nil.
    static func problem(body: JSONValue, version: String?) -> String? {
        guard let version, !version.isEmpty else { return "anthropic-version: header is required" }
        guard case .object(let entries) = body else { return "body: Input should be an object" }
        if let extra = entries.first(where: { !fields.contains($0.key) }) { return "\(extra.key): Extra inputs are not permitted" }
        guard body["model"]?.stringValue != nil else { return "model: Field required" }
        guard let maxTokens = body["max_tokens"]?.intValue else { return "max_tokens: Field required" }
        guard maxTokens >= 1 else { return "max_tokens: Input should be greater than or equal to 1" }
        guard case .array(let messages)? = body["messages"], !messages.isEmpty else { return "messages: Field required" }
        for (index, message) in messages.enumerated() {
            let role = message["role"]?.stringValue ?? ""
            guard role == "user" || role == "assistant" else {
                return "messages.\(index).role: Input should be 'user' or 'assistant'"
                    + (role == "system" ? "; use the top-level system parameter for a system prompt" : "")
            }
            guard message["content"] != nil else { return "messages.\(index).content: Field required" }
        }
        return nil
    }

    static func error(status: Int, message: String) -> [UInt8] {
        let type = switch status {
        case 400: "invalid_request_error"
        case 401: "authentication_error"
        case 404: "not_found_error"
        case 429: "rate_limit_error"
        case 529: "overloaded_error"
        default: "api_error"
        }
        return JSONValue.object([JSONField("type", "error"), JSONField("error", .object([
            JSONField("type", .string(type)), JSONField("message", .string(message)),
        ]))]).encodedBytes
    }

    static func usage(input: Int, output: Int) -> JSONValue {
        .object([JSONField("input_tokens", .number(input)), JSONField("cache_creation_input_tokens", 0),
                 JSONField("cache_read_input_tokens", 0), JSONField("output_tokens", .number(output))])
    }

    static func message(id: Int, model: String, prompt: String, pieces: [String], isCut: Bool) -> [UInt8] {
        JSONValue.object([
            JSONField("id", .string("msg_mock\(id)")), JSONField("type", "message"), JSONField("role", "assistant"),
            JSONField("model", .string(model)),
            JSONField("content", [.object([JSONField("type", "text"), JSONField("text", .string(pieces.joined()))])]),
            JSONField("stop_reason", isCut ? "max_tokens" : "end_turn"), JSONField("stop_sequence", .null),
            JSONField("usage", usage(input: MockReply.promptTokens(prompt), output: pieces.count)),
        ]).encodedBytes
    }

    /// The answer as Anthropic's events, one `text_delta` per token: `ends[i]` is where token `i`'s
    /// part ends (the first part opens with `message_start`, `content_block_start` and a `ping`; the
    /// last closes the block and the message).
    static func stream(id: Int, model: String, prompt: String, pieces: [String], isCut: Bool) -> MockReply.Stream {
        func event(_ name: String, _ data: JSONValue) -> [UInt8] { Array("event: \(name)\ndata: ".utf8) + data.encodedBytes + [0x0A, 0x0A] }
        let message = JSONValue.object([
            JSONField("id", .string("msg_mock\(id)")), JSONField("type", "message"), JSONField("role", "assistant"), JSONField("model", .string(model)),
            JSONField("content", .array([])), JSONField("stop_reason", .null), JSONField("stop_sequence", .null),
            JSONField("usage", usage(input: MockReply.promptTokens(prompt), output: 1)),
        ])
        var bytes = event("message_start", .object([JSONField("type", "message_start"), JSONField("message", message)]))
        bytes += event("content_block_start", .object([JSONField("type", "content_block_start"), JSONField("index", 0),
                                                       JSONField("content_block", .object([JSONField("type", "text"), JSONField("text", "")]))]))
        bytes += event("ping", .object([JSONField("type", "ping")]))
        let head = Array("event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":".utf8)
        var ends: [Int] = []
        for piece in pieces {
            bytes += head
            JSONValue.encodeString(piece, into: &bytes)
            bytes += Array("}}\n\n".utf8)
            ends.append(bytes.count)
        }
        bytes += event("content_block_stop", .object([JSONField("type", "content_block_stop"), JSONField("index", 0)]))
        bytes += event("message_delta", .object([
            JSONField("type", "message_delta"),
            JSONField("delta", .object([JSONField("stop_reason", isCut ? "max_tokens" : "end_turn"), JSONField("stop_sequence", .null)])),
            JSONField("usage", .object([JSONField("output_tokens", .number(pieces.count))])),
        ]))
        bytes += event("message_stop", .object([JSONField("type", "message_stop")]))
        if ends.isEmpty { ends.append(bytes.count) } else { ends[ends.count - 1] = bytes.count }
        return MockReply.Stream(bytes: bytes, ends: ends)
    }
}
