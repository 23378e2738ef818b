/// An OpenAI chat completion body as an Anthropic Messages body, for the common subset.
///
/// `system` and `developer` messages are hoisted to `system` (one as a plain string, several joined
/// with blank lines); text and image parts, tool calls, tool results, `tools` and `tool_choice`
/// are mapped; `stop` becomes `stop_sequences` and `user` `metadata.user_id`. `max_tokens` (or
/// `max_completion_tokens`) is kept, else `Defaults.anthropicMaxTokens` is set, since Anthropic
/// requires it. Nothing else is added; a field with no Anthropic counterpart is an error naming it.
public enum AnthropicTranslation {
    /// Fields dropped without loss: they change nothing Anthropic would do.
    static let dropped: Set<String> = ["stream_options", "parallel_tool_calls", "store", "seed", "service_tier"]
    static let kept: Set<String> = ["model", "temperature", "top_p", "stream"]

    public static func body(fromOpenAI body: JSONValue) throws(TranslationError) -> JSONValue {
        guard case .object(let fields) = body else { throw TranslationError("the body is not a JSON object") }
        var out: [JSONField] = []
        var system: [String] = []
        var messages: [JSONValue] = []
        for field in fields {
            switch field.key {
            case "messages": (system, messages) = try Self.messages(field.value)
            case "max_tokens", "max_completion_tokens": out.append(JSONField("max_tokens", field.value))
            case "stop": out.append(JSONField("stop_sequences", field.value.stringValue.map { .array([.string($0)]) } ?? field.value))
            case "user": out.append(JSONField("metadata", .object([JSONField("user_id", field.value)])))
            case "tools": out.append(JSONField("tools", try tools(field.value)))
            case "tool_choice": out.append(JSONField("tool_choice", try toolChoice(field.value)))
            case "n" where field.value.intValue == 1: continue
            case let key where kept.contains(key): out.append(field)
            case let key where dropped.contains(key): continue
            default: throw TranslationError("\"\(field.key)\" has no Anthropic Messages counterpart")
            }
        }
        if !out.contains(where: { $0.key == "max_tokens" }) { out.append(JSONField("max_tokens", .number(Defaults.anthropicMaxTokens))) }
        // Anthropic needs a turn to answer: a line of system messages alone has none.
        guard !messages.isEmpty else {
            throw TranslationError(system.isEmpty ? "the line has no messages" : "the line has only system messages; Anthropic's Messages API needs at least one user message")
        }
        if !system.isEmpty { out.append(JSONField("system", .string(system.joined(separator: "\n\n")))) }
        out.append(JSONField("messages", .array(messages)))
        return .object(out)
    }

    /// The system text hoisted, and the rest as Anthropic messages (tool results as user turns).
    static func messages(_ value: JSONValue) throws(TranslationError) -> ([String], [JSONValue]) {
        guard case .array(let items) = value else { throw TranslationError("\"messages\" is not a list") }
        var system: [String] = []
        var messages: [JSONValue] = []
        for (index, message) in items.enumerated() {
            let role = message["role"]?.stringValue ?? ""
            switch role {
            case "system", "developer":
                system.append(try plainText(message["content"], at: index))
            case "user":
                messages.append(.object([JSONField("role", "user"), JSONField("content", try content(message["content"], at: index))]))
            case "assistant":
                messages.append(try assistant(message, at: index))
            case "tool":
                let result = JSONValue.object([JSONField("type", "tool_result"), JSONField("tool_use_id", message["tool_call_id"] ?? .null),
                                               JSONField("content", .string(try plainText(message["content"], at: index)))])
                // Results of one turn's several calls go back together, in one user message.
                if case .object(let last)? = messages.last, last.first?.value == "user",
                   case .array(let blocks)? = messages.last?["content"], blocks.allSatisfy({ $0["type"] == "tool_result" }) {
                    messages[messages.count - 1] = .object([JSONField("role", "user"), JSONField("content", .array(blocks + [result]))])
                } else {
                    messages.append(.object([JSONField("role", "user"), JSONField("content", .array([result]))]))
                }
            default:
                throw TranslationError("message \(index + 1) has role \"\(role)\", which Anthropic has no counterpart for")
            }
        }
        return (system, messages)
    }

    static func assistant(_ message: JSONValue, at index: Int) throws(TranslationError) -> JSONValue {
        guard case .array(let calls)? = message["tool_calls"], !calls.isEmpty else {
            return .object([JSONField("role", "assistant"), JSONField("content", try content(message["content"], at: index))])
        }
        var blocks: [JSONValue] = []
        if let text = message["content"]?.stringValue, !text.isEmpty { blocks.append(.object([JSONField("type", "text"), JSONField("text", .string(text))])) }
        for call in calls {
            let arguments = call["function"]?["arguments"]?.stringValue ?? "{}"
            guard let input = try? JSONParser.parse(Array(arguments.utf8)), input.isObject else {
                throw TranslationError("message \(index + 1) has a tool call whose arguments are not a JSON object")
            }
            blocks.append(.object([JSONField("type", "tool_use"), JSONField("id", call["id"] ?? .null),
                                   JSONField("name", call["function"]?["name"] ?? .null), JSONField("input", input)]))
        }
        return .object([JSONField("role", "assistant"), JSONField("content", .array(blocks))])
    }

    /// A string as it is; text and image parts as Anthropic blocks.
    static func content(_ value: JSONValue?, at index: Int) throws(TranslationError) -> JSONValue {
        if let text = value?.stringValue { return .string(text) }
        guard case .array(let parts)? = value else { throw TranslationError("message \(index + 1) has no text content") }
        var blocks: [JSONValue] = []
        for part in parts {
            switch part["type"]?.stringValue {
            case "text": blocks.append(.object([JSONField("type", "text"), JSONField("text", part["text"] ?? "")]))
            case "image_url": blocks.append(try image(part["image_url"]?["url"]?.stringValue ?? part["image_url"]?.stringValue, at: index))
            case let other: throw TranslationError("message \(index + 1) has a \"\(other ?? "untyped")\" part, which Anthropic has no counterpart for")
            }
        }
        return .array(blocks)
    }

    /// `data:image/png;base64,…` as a base64 source, an http(s) URL as a url source.
    static func image(_ url: String?, at index: Int) throws(TranslationError) -> JSONValue {
        guard let url else { throw TranslationError("message \(index + 1) has an image_url part without a url") }
        if url.hasPrefix("data:"), let comma = url.firstIndex(of: ","), url[..<comma].hasSuffix(";base64") {
            let mediaType = String(url[url.index(url.startIndex, offsetBy: 5)..<comma].dropLast(7))
            return .object([JSONField("type", "image"), JSONField("source", .object([
                JSONField("type", "base64"), JSONField("media_type", .string(mediaType)), JSONField("data", .string(String(url[url.index(after: comma)...]))),
            ]))])
        }
        guard url.hasPrefix("http://") || url.hasPrefix("https://") else {
            throw TranslationError("message \(index + 1) has an image_url that is neither a base64 data URL nor an http(s) URL")
        }
        return .object([JSONField("type", "image"), JSONField("source", .object([JSONField("type", "url"), JSONField("url", .string(url))]))])
    }

    /// A message's content as plain text: a string, or its text parts joined.
    static func plainText(_ value: JSONValue?, at index: Int) throws(TranslationError) -> String {
        if let text = value?.stringValue { return text }
        guard case .array(let parts)? = value else { return "" }
        var texts: [String] = []
        for part in parts {
            guard part["type"] == "text", let text = part["text"]?.stringValue else {
                throw TranslationError("message \(index + 1) holds a non-text part where Anthropic takes text only")
            }
            texts.append(text)
        }
        return texts.joined(separator: "\n")
    }

    static func tools(_ value: JSONValue) throws(TranslationError) -> JSONValue {
        guard case .array(let tools) = value else { throw TranslationError("\"tools\" is not a list") }
        var out: [JSONValue] = []
        for tool in tools {
            guard tool["type"]?.stringValue ?? "function" == "function", let function = tool["function"], let name = function["name"] else {
                throw TranslationError("only function tools have an Anthropic counterpart")
            }
            var fields = [JSONField("name", name)]
            if let description = function["description"] { fields.append(JSONField("description", description)) }
            fields.append(JSONField("input_schema", function["parameters"] ?? .object([JSONField("type", "object")])))
            out.append(.object(fields))
        }
        return .array(out)
    }

    static func toolChoice(_ value: JSONValue) throws(TranslationError) -> JSONValue {
        switch value.stringValue {
        case "auto": return .object([JSONField("type", "auto")])
        case "required": return .object([JSONField("type", "any")])
        case "none": return .object([JSONField("type", "none")])
        default:
            guard let name = value["function"]?["name"] else { throw TranslationError("\"tool_choice\" is not auto, required, none or a function") }
            return .object([JSONField("type", "tool"), JSONField("name", name)])
        }
    }
}
