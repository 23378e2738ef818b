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
    /// - Parameter dialect: the endpoint's API; Anthropic's 2xx bodies are Messages answers or streams.
    public static func interpret(_ response: TransportResponse, wallClock: Double, keepBody: Bool = false,
                                 dialect: APIDialect = .openAI) -> Result<ParsedAnswer, EngineError> {
        if dialect == .anthropic, (200..<300).contains(response.status), response.header("content-encoding") == nil {
            return anthropicAnswer(of: response, keepBody: keepBody).map { $0.from(response) }
        }
        return answer(of: response, wallClock: wallClock, keepBody: keepBody).map { $0.from(response) }
    }

    /// A 2xx answer from an Anthropic endpoint: a stream read as it came, one that came whole, or a message.
    private static func anthropicAnswer(of response: TransportResponse, keepBody: Bool) -> Result<ParsedAnswer, EngineError> {
        if let read = response.consumed as? Result<ParsedAnswer, EngineError> { return read }
        if isEventStream(response) || response.body.starts(with: Array("event:".utf8)) {
            return AnthropicStreamAssembler.joining(response.body, status: response.status)
        }
        guard let json = try? JSONParser.parse(response.body), json.isObject else {
            return .failure(.invalidResponse(status: response.status, "body is not a JSON object"))
        }
        if json["type"] == "error" { return .failure(AnthropicAnswer.streamError(json["error"])) }
        guard var answer = AnthropicAnswer.parse(json) else {
            return .failure(.invalidResponse(status: response.status, "body is not an Anthropic message (no \"content\" list)"))
        }
        if keepBody { answer.body = json }
        return .success(answer)
    }

    private static func answer(of response: TransportResponse, wallClock: Double, keepBody: Bool) -> Result<ParsedAnswer, EngineError> {
        // A body compressed although fanout asked for `identity` (nil: not compressed).
        let compression = (response.header("content-encoding")?.lowercased().trimmingSpaces)
            .flatMap { $0.isEmpty || $0 == "identity" ? nil : $0 }
        guard (200..<300).contains(response.status) else {
            let retryAfter = RetryAfter.seconds(retryAfterMs: response.header("retry-after-ms"),
                                                retryAfter: response.header("retry-after"), wallClock: wallClock)
                ?? (response.status == 429 ? GoogleRetryInfo.delay(in: response.body) : nil)
            if let compression {
                return .failure(.http(status: response.status, detail: "(the error body is \(compression)-compressed)", retryAfter: retryAfter))
            }
            let details = errorDetails(response.body)
            return .failure(.http(status: response.status, detail: details.message, retryAfter: retryAfter, code: details.code, type: details.type))
        }
        if let compression { return .failure(.encodedResponse(status: response.status, encoding: compression)) }
        // A stream read as it arrived (`StreamReader`), or one that came whole.
        let read = response.consumed as? Result<ParsedAnswer, EngineError>
        if read != nil || isEventStream(response) {
            let streamed = read ?? StreamAssembler.joining(response.body, status: response.status)
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

    /// An error body's message, `error.code` and `error.type`, from one parse.
    static func errorDetails(_ body: [UInt8]) -> (message: String?, code: String?, type: String?) {
        if let json = try? JSONParser.parse(body) {
            let code = json["error"]?["code"]?.stringValue
            let type = json["error"]?["type"]?.stringValue
            if let message = json["error"]?["message"]?.stringValue { return (message, code, type) }
            return (json["error"]?.stringValue ?? json["message"]?.stringValue ?? json["detail"]?.stringValue, code, type)
        }
        // Whole: cutting here could leave part of an echoed key, which redaction would then miss.
        let text = String(decoding: body, as: UTF8.self).trimmingSpaces
        if let clientCertificate = clientCertificateProblem(text) { return (clientCertificate, nil, nil) }
        return (text.isEmpty ? nil : text, nil, nil)
    }

    static func isEventStream(_ response: TransportResponse) -> Bool {
        if StreamReader.streams(status: response.status, contentType: response.header("content-type")) { return true }
        return response.body.starts(with: Array("data:".utf8))
    }
}
