/// The wire format an endpoint speaks: OpenAI's chat completions or Anthropic's Messages API.
public enum APIDialect: String, Sendable, Hashable, CaseIterable {
    case openAI = "openai"
    case anthropic

    /// `anthropic-version` sent to Anthropic endpoints unless the endpoint names another.
    public static let defaultAnthropicVersion = "2023-06-01"
    /// The key variable Anthropic endpoints read when they name none.
    public static let anthropicKeyVariable = "ANTHROPIC_API_KEY"
    /// The `--endpoint` prefix that marks an Anthropic endpoint (`anthropic:https://host/v1`).
    public static let anthropicPrefix = "anthropic:"

    /// The dialect a URL implies by itself: Anthropic's host, or a path ending in `/messages`.
    public static func implied(by url: EndpointURL) -> APIDialect {
        url.host == "api.anthropic.com" || url.path.hasSuffix("/messages") ? .anthropic : .openAI
    }

    /// The dialect of a request body as written: Anthropic when it uses what only Anthropic has
    /// (top-level `system`, `stop_sequences`, `top_k`, content blocks of Anthropic's types); else OpenAI.
    public static func of(body: JSONValue) -> APIDialect {
        if body["system"] != nil || body["stop_sequences"] != nil || body["top_k"] != nil { return .anthropic }
        guard case .array(let messages)? = body["messages"] else { return .openAI }
        for message in messages {
            guard case .array(let blocks)? = message["content"] else { continue }
            for block in blocks {
                switch block["type"]?.stringValue {
                case "tool_use", "tool_result", "thinking", "document": return .anthropic
                case "image" where block["source"] != nil: return .anthropic
                default: continue
                }
            }
        }
        return .openAI
    }
}
