/// Body fields the run fills in from the command line (`--model`, `--system_prompt`, `--max_tokens`,
/// `--temperature`).
///
/// For chat and Batch lines each is set only where the line's body lacks it. An endpoint's own `model`
/// overrides every other source when the request is sent to that endpoint.
public struct RequestDefaults: Sendable, Hashable {
    public var model: String?
    public var systemPrompt: String?
    public var maxTokens: Int?
    public var temperature: String?

    public init(model: String? = nil, systemPrompt: String? = nil, maxTokens: Int? = nil, temperature: Double? = nil) {
        self.model = model
        self.systemPrompt = systemPrompt
        self.maxTokens = maxTokens
        self.temperature = temperature.map { JSONValue.number($0).encodedString }
    }

    /// The chat completion body for a seed-form prompt.
    func seedBody(prompt: String) -> JSONValue {
        var fields: [JSONField] = []
        if let model { fields.append(JSONField("model", .string(model))) }
        var messages: [JSONValue] = []
        if let systemPrompt {
            messages.append(.object([JSONField("role", "system"), JSONField("content", .string(systemPrompt))]))
        }
        messages.append(.object([JSONField("role", "user"), JSONField("content", .string(prompt))]))
        fields.append(JSONField("messages", .array(messages)))
        if let maxTokens { fields.append(JSONField("max_tokens", .number(maxTokens))) }
        if let temperature { fields.append(JSONField("temperature", .number(temperature))) }
        return .object(fields)
    }

    /// `body` with each default added where the body has no such field.
    func filling(_ body: JSONValue) -> JSONValue {
        var result = body
        if let model, result["model"] == nil { result = result.setting("model", to: .string(model)) }
        if let maxTokens, result["max_tokens"] == nil, result["max_completion_tokens"] == nil {
            result = result.setting("max_tokens", to: .number(maxTokens))
        }
        if let temperature, result["temperature"] == nil { result = result.setting("temperature", to: .number(temperature)) }
        return result
    }
}
