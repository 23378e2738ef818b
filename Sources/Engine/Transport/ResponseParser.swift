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
        return .object([
            JSONField("object", "chat.completion"),
            JSONField("choices", [.object(choice)]),
            JSONField("usage", usage ?? .null),
        ])
    }

    /// This answer with the status and request id of the response it came from.
    func from(_ response: TransportResponse) -> ParsedAnswer {
        var answer = self
        answer.status = response.status
        answer.requestID = response.header("x-request-id")
        return answer
    }

    /// `usage.total_tokens` (or prompt + completion), when the server reported it.
    public var totalTokens: Int? {
        guard let usage, usage != .null else { return nil }
        if let total = usage["total_tokens"]?.intValue { return total }
        let prompt = usage["prompt_tokens"]?.intValue
        let completion = usage["completion_tokens"]?.intValue
        return prompt == nil && completion == nil ? nil : (prompt ?? 0) + (completion ?? 0)
    }
}

/// Turns an HTTP answer into a parsed answer or an `EngineError`.
///
/// 2xx bodies must be JSON (or an SSE stream of JSON chunks when the request asked for `stream`);
/// anything else is an invalid response, which is retryable. Non-2xx answers carry the server's
/// `error.message` and its `Retry-After` advice.
public enum ResponseParser {
    /// - Parameters:
    ///   - wallClock: Unix time in seconds, for `Retry-After` given as a date.
    ///   - keepBody: also keep the whole body in `ParsedAnswer.body`, with the status (for Batch
    ///     output); the body is then parsed into a tree once, not scanned.
    public static func interpret(_ response: TransportResponse, wallClock: Double, keepBody: Bool = false) -> Result<ParsedAnswer, EngineError> {
        answer(of: response, wallClock: wallClock, keepBody: keepBody).map { $0.from(response) }
    }

    private static func answer(of response: TransportResponse, wallClock: Double, keepBody: Bool) -> Result<ParsedAnswer, EngineError> {
        // A body compressed although fanout asked for `identity` (nil: not compressed).
        let compression = (response.header("content-encoding")?.lowercased().trimmingSpaces)
            .flatMap { $0.isEmpty || $0 == "identity" ? nil : $0 }
        guard (200..<300).contains(response.status) else {
            let retryAfter = RetryAfter.seconds(retryAfterMs: response.header("retry-after-ms"),
                                                retryAfter: response.header("retry-after"), wallClock: wallClock)
            if let compression {
                return .failure(.http(status: response.status, detail: "(the error body is \(compression)-compressed)", retryAfter: retryAfter))
            }
            let details = errorDetails(response.body)
            return .failure(.http(status: response.status, detail: details.message, retryAfter: retryAfter, code: details.code))
        }
        if let compression { return .failure(.encodedResponse(status: response.status, encoding: compression)) }
        if response.streamed != nil || isEventStream(response) {
            let streamed = response.streamed ?? assembleStream(response.body, status: response.status)
            guard keepBody, case .success(var answer) = streamed else { return streamed }
            answer.body = answer.joinedBody
            return .success(answer)
        }
        // Fast path: a chat completion or completion, scanned without building the rest of the tree.
        if !keepBody, let parts = JSONParser.completionParts(response.body), let text = Self.text(of: parts) {
            return .success(ParsedAnswer(response: text, usage: parts.usage).with(parts))
        }
        let json: JSONValue
        do {
            json = try JSONParser.parse(response.body)
        } catch {
            return .failure(.invalidResponse(status: response.status, "body is not JSON (\(error))"))
        }
        guard json.isObject else { return .failure(.invalidResponse(status: response.status, "body is not a JSON object")) }
        let choice = json["choices"]?[0]
        let message = choice?["message"]
        let parts = CompletionParts(content: message?["content"], text: choice?["text"], usage: json["usage"],
                                    finishReason: choice?["finish_reason"], refusal: message?["refusal"],
                                    logprobs: choice?["logprobs"], toolCalls: message?["tool_calls"])
        // A null content (a tool call, a refusal) keeps the whole body as the response.
        var answer = ParsedAnswer(response: Self.text(of: parts) ?? json, usage: json["usage"]).with(parts)
        guard keepBody else { return .success(answer) }
        answer.body = json
        return .success(answer)
    }

    /// What a completion saves as its response: its message content (when not null), else its
    /// text (legacy completions); nil for neither.
    static func text(of parts: CompletionParts) -> JSONValue? {
        if let content = parts.content, content != .null { return content }
        return parts.text
    }

    /// The `error.message` of an OpenAI-style error body, else a short prefix of a text body.
    static func errorMessage(_ body: [UInt8]) -> String? { errorDetails(body).message }

    /// The `error.code` of an OpenAI-style error body (`insufficient_quota`, `rate_limit_exceeded`), if any.
    static func errorCode(_ body: [UInt8]) -> String? { errorDetails(body).code }

    /// What a TLS gateway's page about client certificates means (nginx words them so), if it is one.
    static func clientCertificateProblem(_ text: String) -> String? {
        if text.contains("No required SSL certificate was sent") {
            return "the server requires a client certificate (mutual TLS): set client_cert and client_key for this endpoint"
        }
        if text.contains("The SSL certificate error") {
            return "the server did not accept the client certificate (client_cert): it is not signed by an authority the server trusts, or it expired"
        }
        return nil
    }

    /// An error body's message and `error.code`, from one parse.
    static func errorDetails(_ body: [UInt8]) -> (message: String?, code: String?) {
        if let json = try? JSONParser.parse(body) {
            let code = json["error"]?["code"]?.stringValue
            if let message = json["error"]?["message"]?.stringValue { return (message, code) }
            return (json["error"]?.stringValue ?? json["message"]?.stringValue ?? json["detail"]?.stringValue, code)
        }
        // Whole: cutting here could leave part of an echoed key, which redaction would then miss.
        let text = String(decoding: body, as: UTF8.self).trimmingSpaces
        if let clientCertificate = clientCertificateProblem(text) { return (clientCertificate, nil) }
        return (text.isEmpty ? nil : text, nil)
    }

    static func isEventStream(_ response: TransportResponse) -> Bool {
        if streams(status: response.status, contentType: response.header("content-type")) { return true }
        return response.body.starts(with: Array("data:".utf8))
    }

    /// Whether an answer with this status and `Content-Type` is an event stream to join as it
    /// arrives: a 2xx `text/event-stream` (what the transports time token by token).
    static func streams(status: Int, contentType: String?) -> Bool {
        (200..<300).contains(status) && contentType?.lowercased().hasPrefix("text/event-stream") == true
    }

    /// Joins an OpenAI SSE stream that arrived whole (no timing): the `delta.content` of every chunk, and the last `usage` seen.
    static func assembleStream(_ body: [UInt8], status: Int) -> Result<ParsedAnswer, EngineError> {
        var assembler = StreamAssembler(timed: false)
        assembler.feed(body, at: 0)
        return assembler.finish(status: status, end: 0)
    }
}
