import Engine

/// The answers a mock endpoint sends: OpenAI-shaped completions, errors and SSE streams.
enum MockReply {
    /// The prompt of a request body: the last user message, or a completion's `prompt`.
    static func prompt(of body: JSONValue) -> String {
        if case .array(let messages)? = body["messages"] {
            for message in messages.reversed() where message["role"]?.stringValue == "user" {
                if let text = message["content"]?.stringValue { return text }
                return message["content"]?.encodedString ?? ""
            }
        }
        return body["prompt"]?.stringValue ?? ""
    }

    /// A deterministic answer derived from the prompt.
    static func answer(to prompt: String) -> String {
        let words = prompt.split(separator: " ").prefix(24).joined(separator: " ")
        return "Answer to: \(words)"
    }

    static func usage(prompt: String, answer: String) -> JSONValue {
        let promptTokens = max(1, prompt.utf8.count / 4)
        let completionTokens = max(1, answer.utf8.count / 4)
        return .object([JSONField("prompt_tokens", .number(promptTokens)),
                        JSONField("completion_tokens", .number(completionTokens)),
                        JSONField("total_tokens", .number(promptTokens + completionTokens))])
    }

    /// A `chat.completion` (`choices[0].message`) or, for `/v1/completions`, a `text_completion` (`choices[0].text`).
    static func completion(id: Int, model: String, prompt: String, chat: Bool) -> [UInt8] {
        let text = answer(to: prompt)
        let payload = chat
            ? JSONField("message", .object([JSONField("role", "assistant"), JSONField("content", .string(text))]))
            : JSONField("text", .string(text))
        let choice = JSONValue.object([JSONField("index", 0), payload, JSONField("finish_reason", "stop")])
        return JSONValue.object([
            JSONField("id", .string((chat ? "chatcmpl-mock" : "cmpl-mock") + String(id))),
            JSONField("object", chat ? "chat.completion" : "text_completion"),
            JSONField("created", 1_700_000_000),
            JSONField("model", .string(model)),
            JSONField("choices", [choice]),
            JSONField("usage", usage(prompt: prompt, answer: text)),
        ]).encodedBytes
    }

    /// The answer as server-sent events: one chunk per word, a usage chunk, then `[DONE]`.
    static func stream(id: Int, model: String, prompt: String) -> [UInt8] {
        let text = answer(to: prompt)
        var out: [UInt8] = []
        func chunk(_ delta: JSONValue, finish: JSONValue, usage: JSONValue? = nil) {
            var fields: [JSONField] = [
                JSONField("id", .string("chatcmpl-mock\(id)")), JSONField("object", "chat.completion.chunk"),
                JSONField("created", 1_700_000_000), JSONField("model", .string(model)),
                JSONField("choices", usage == nil ? [.object([JSONField("index", 0), JSONField("delta", delta), JSONField("finish_reason", finish)])] : []),
            ]
            if let usage { fields.append(JSONField("usage", usage)) }
            out.append(contentsOf: Array("data: ".utf8))
            JSONValue.object(fields).encode(into: &out)
            out.append(contentsOf: [0x0A, 0x0A])
        }
        chunk(.object([JSONField("role", "assistant"), JSONField("content", "")]), finish: .null)
        let words = text.split(separator: " ")
        for (index, word) in words.enumerated() {
            chunk(.object([JSONField("content", .string(index == 0 ? String(word) : " " + word))]), finish: .null)
        }
        chunk(.object([]), finish: "stop")
        chunk(.null, finish: .null, usage: usage(prompt: prompt, answer: text))
        out.append(contentsOf: Array("data: [DONE]\n\n".utf8))
        return out
    }

    static func error(status: Int, message: String, type: String, code: String? = nil) -> [UInt8] {
        JSONValue.object([JSONField("error", .object([
            JSONField("message", .string(message)), JSONField("type", .string(type)), JSONField("code", code.map { .string($0) } ?? .null),
        ]))]).encodedBytes
    }
}
