/// An Anthropic Messages body as an OpenAI chat completion body, for the common subset.
///
/// `system` becomes the first message; text and image blocks become parts; `tool_use` blocks
/// become the assistant's `tool_calls` and `tool_result` blocks `tool` messages; `stop_sequences`
/// becomes `stop`, `metadata.user_id` `user`; `tools` and `tool_choice` are mapped. Thinking blocks
/// of earlier turns are left out. A field with no OpenAI counterpart is an error naming it.
public enum OpenAITranslation {
    static let kept: Set<String> = ["model", "max_tokens", "temperature", "top_p", "stream"]

    public static func body(fromAnthropic body: JSONValue) throws(TranslationError) -> JSONValue {
        guard case .object(let fields) = body else { throw TranslationError("the body is not a JSON object") }
        var out: [JSONField] = []
        var messages: [JSONValue] = []
        if let system = body["system"] {
            messages.append(.object([JSONField("role", "system"), JSONField("content", .string(try text(of: system, what: "system")))]))
        }
        for field in fields {
            switch field.key {
            case "system": continue
            case "messages": messages += try Self.messages(field.value)
            case "stop_sequences": out.append(JSONField("stop", field.value))
            case "metadata":
                if let user = field.value["user_id"] { out.append(JSONField("user", user)) }
            case "tools": out.append(JSONField("tools", try tools(field.value)))
            case "tool_choice": out.append(JSONField("tool_choice", try toolChoice(field.value)))
            case let key where kept.contains(key): out.append(field)
            default: throw TranslationError("\"\(field.key)\" has no OpenAI chat completions counterpart")
            }
        }
        out.append(JSONField("messages", .array(messages)))
        return .object(out)
    }

    static func messages(_ value: JSONValue) throws(TranslationError) -> [JSONValue] {
        guard case .array(let items) = value else { throw TranslationError("\"messages\" is not a list") }
        var out: [JSONValue] = []
        for (index, message) in items.enumerated() {
            let role = message["role"]?.stringValue ?? ""
            guard role == "user" || role == "assistant" else {
                throw TranslationError("message \(index + 1) has role \"\(role)\"; Anthropic messages are user or assistant")
            }
            guard case .array(let blocks)? = message["content"] else {
                out.append(.object([JSONField("role", .string(role)), JSONField("content", message["content"] ?? "")]))
                continue
            }
            var parts: [JSONValue] = []
            var calls: [JSONValue] = []
            for block in blocks {
                switch block["type"]?.stringValue {
                case "text": parts.append(.object([JSONField("type", "text"), JSONField("text", block["text"] ?? "")]))
                case "image": parts.append(try image(block["source"], at: index))
                case "tool_use":
                    calls.append(.object([JSONField("id", block["id"] ?? .null), JSONField("type", "function"), JSONField("function", .object([
                        JSONField("name", block["name"] ?? .null), JSONField("arguments", .string((block["input"] ?? .object([])).encodedString)),
                    ]))]))
                case "tool_result":
                    let content = block["content"].map { $0.stringValue ?? (try? text(of: $0, what: "a tool result")) ?? $0.encodedString } ?? ""
                    out.append(.object([JSONField("role", "tool"), JSONField("tool_call_id", block["tool_use_id"] ?? .null),
                                        JSONField("content", .string(content))]))
                case "thinking", "redacted_thinking": continue
                case let other: throw TranslationError("message \(index + 1) has a \"\(other ?? "untyped")\" block, which OpenAI has no counterpart for")
                }
            }
            guard !parts.isEmpty || !calls.isEmpty else { continue }
            var fields = [JSONField("role", .string(role))]
            let texts = parts.compactMap { $0["type"] == "text" ? $0["text"]?.stringValue : nil }
            if role == "assistant" {
                fields.append(JSONField("content", texts.isEmpty ? .null : .string(texts.joined())))
                if !calls.isEmpty { fields.append(JSONField("tool_calls", .array(calls))) }
            } else {
                fields.append(JSONField("content", texts.count == parts.count && parts.count == 1 ? .string(texts[0]) : .array(parts)))
            }
            out.append(.object(fields))
        }
        return out
    }

    static func image(_ source: JSONValue?, at index: Int) throws(TranslationError) -> JSONValue {
        let url: String
        switch source?["type"]?.stringValue {
        case "base64": url = "data:\(source?["media_type"]?.stringValue ?? "image/png");base64,\(source?["data"]?.stringValue ?? "")"
        case "url": url = source?["url"]?.stringValue ?? ""
        default: throw TranslationError("message \(index + 1) has an image whose source is neither base64 nor a URL")
        }
        return .object([JSONField("type", "image_url"), JSONField("image_url", .object([JSONField("url", .string(url))]))])
    }

    /// A string, or text blocks joined with blank lines.
    static func text(of value: JSONValue, what: String) throws(TranslationError) -> String {
        if let text = value.stringValue { return text }
        guard case .array(let blocks) = value else { throw TranslationError("\(what) is neither text nor text blocks") }
        var texts: [String] = []
        for block in blocks {
            guard block["type"] == "text", let text = block["text"]?.stringValue else { throw TranslationError("\(what) holds a block that is not text") }
            texts.append(text)
        }
        return texts.joined(separator: "\n\n")
    }

    static func tools(_ value: JSONValue) throws(TranslationError) -> JSONValue {
        guard case .array(let tools) = value else { throw TranslationError("\"tools\" is not a list") }
        var out: [JSONValue] = []
        for tool in tools {
            guard let name = tool["name"], tool["type"] == nil || tool["type"] == "custom" else {
                throw TranslationError("only custom tools (name, input_schema) have an OpenAI counterpart")
            }
            var function = [JSONField("name", name)]
            if let description = tool["description"] { function.append(JSONField("description", description)) }
            function.append(JSONField("parameters", tool["input_schema"] ?? .object([JSONField("type", "object")])))
            out.append(.object([JSONField("type", "function"), JSONField("function", .object(function))]))
        }
        return .array(out)
    }

    static func toolChoice(_ value: JSONValue) throws(TranslationError) -> JSONValue {
        switch value["type"]?.stringValue {
        case "auto": return "auto"
        case "any": return "required"
        case "none": return "none"
        case "tool": return .object([JSONField("type", "function"), JSONField("function", .object([JSONField("name", value["name"] ?? .null)]))])
        default: throw TranslationError("\"tool_choice\" is not auto, any, none or a tool")
        }
    }
}
