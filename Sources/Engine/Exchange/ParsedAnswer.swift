/// What a successful answer carried: the text (or JSON) to save and the token usage.
public struct ParsedAnswer: Sendable, Hashable {
    /// `choices[0].message.content`, `choices[0].text`, or else the whole JSON body.
    public var response: JSONValue
    public var usage: JSONValue?
    /// The whole body, only when asked for (Batch output); a stream is joined into one completion.
    public var body: JSONValue?
    public var status = 200
    /// The server's `x-request-id`, when it sent one.
    public var requestID: String?
    /// How a streamed answer arrived (nil for answers that were not streamed, or arrived whole).
    public var timing: StreamTiming?
    /// `finish_reason` (`stop`, `length`, `tool_calls`, …); nil when the server gave none.
    public var finishReason: String?
    /// The model's refusal text, when it refused.
    public var refusal: JSONValue?
    /// `logprobs`, when the request asked for them.
    public var logprobs: JSONValue?
    /// Tool calls in OpenAI's shape (`id`, `type`, `function` {`name`, `arguments` as a JSON string}),
    /// streamed ones assembled.
    public var toolCalls: JSONValue?
    /// The model that answered, as the answer names it (kept for Message Batches output).
    public var model: String? { body?["model"]?.stringValue }
    /// The model the answer names: its body's, or a streamed answer's chunks'.
    public var answeredModel: String? { model ?? streamFields.first { $0.key == "model" }?.value.stringValue }
    /// Anthropic's `stop_reason` as it was (`finish_reason` holds it mapped).
    public var stopReason: String?
    /// Anthropic's whole `usage` object (`usage` holds its four counts).
    public var rawUsage: JSONValue?
    /// A joined stream's own top-level fields (`id`, `model`, `created`, `system_fingerprint`,
    /// a server's extras like llama.cpp's `timings`), kept for the whole body it stands for.
    public var streamFields: [JSONField] = []

    public init(response: JSONValue, usage: JSONValue? = nil, requestID: String? = nil) {
        self.response = response
        self.usage = usage
        self.requestID = requestID
    }

    /// This answer with what a completion's first choice says beside its text.
    func with(_ parts: CompletionParts) -> ParsedAnswer {
        var answer = self
        answer.finishReason = parts.finishReason?.stringValue
        answer.refusal = parts.refusal.flatMap { $0 == .null ? nil : $0 }
        answer.logprobs = parts.logprobs.flatMap { $0 == .null ? nil : $0 }
        answer.toolCalls = parts.toolCalls.flatMap { $0 == .null ? nil : $0 }
        return answer
    }

    /// This answer with the whole body as its response (`--save_response full`).
    var withWholeBody: ParsedAnswer {
        var answer = self
        answer.response = body ?? joinedBody
        return answer
    }

    /// A chat completion standing for a joined stream (Batch output, `--save_response full`).
    var joinedBody: JSONValue {
        var message: [JSONField] = [JSONField("role", "assistant"), JSONField("content", response)]
        if let refusal { message.append(JSONField("refusal", refusal)) }
        if let toolCalls { message.append(JSONField("tool_calls", toolCalls)) }
        var choice: [JSONField] = [JSONField("index", 0), JSONField("message", .object(message))]
        if let logprobs { choice.append(JSONField("logprobs", logprobs)) }
        choice.append(JSONField("finish_reason", finishReason.map(JSONValue.string) ?? .null))
        // The stream's own fields as a whole answer has them: scalars before the choices, a
        // server's objects (llama.cpp's `timings`) after the usage.
        let own = streamFields.filter { !["choices", "usage", "object"].contains($0.key) }
        let id = own.filter { $0.key == "id" }
        let scalars = own.filter { $0.key != "id" && !$0.value.isObject }
        return .object(id + [JSONField("object", "chat.completion")] + scalars + [
            JSONField("choices", [.object(choice)]),
            JSONField("usage", usage ?? .null),
        ] + own.filter(\.value.isObject))
    }

    /// This answer with the status and request id of the response it came from.
    func from(_ response: TransportResponse) -> ParsedAnswer {
        var answer = self
        answer.status = response.status
        answer.requestID = response.header("x-request-id") ?? response.header("request-id")
        return answer
    }

    /// Prompt tokens, cached ones included, by either provider's usage (0 without usage).
    public var promptTokens: Int { TokenUsage(usage: usage)?.prompt ?? 0 }

    /// Output tokens by either provider's usage, when reported.
    public var completionTokens: Int? { TokenUsage(usage: usage)?.output }

    /// `usage.total_tokens` (or prompt + completion), when the server reported it.
    public var totalTokens: Int? {
        guard let usage, usage != .null else { return nil }
        if usage["input_tokens"] != nil { return promptTokens.saturatingAdding(completionTokens ?? 0) }
        if let total = usage["total_tokens"]?.intValue { return max(0, total) }
        let prompt = usage["prompt_tokens"]?.intValue
        let completion = usage["completion_tokens"]?.intValue
        return prompt == nil && completion == nil ? nil : max(0, prompt ?? 0).saturatingAdding(max(0, completion ?? 0))
    }
}
