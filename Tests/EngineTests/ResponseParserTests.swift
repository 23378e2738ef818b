import NIOSSL
import Testing
@testable import Engine

@Suite struct ResponseParserTests {
    func interpret(_ status: Int, _ body: String, headers: [HeaderField] = []) -> Result<ParsedAnswer, EngineError> {
        ResponseParser.interpret(TransportResponse(status: status, headers: headers, body: Array(body.utf8)), wallClock: 0)
    }

    /// A chat completion yields its message content and usage; a completion its text; other JSON itself.
    @Test func extractsAnswers() throws {
        let chat = try interpret(200, #"{"choices":[{"message":{"role":"assistant","content":"hi"}}],"usage":{"total_tokens":3}}"#).get()
        #expect(chat.response == "hi" && chat.usage?["total_tokens"] == 3)
        #expect(try interpret(200, #"{"choices":[{"text":"t"}]}"#).get().response == "t")
        #expect(try interpret(200, #"{"data":[1]}"#).get().response == .object([JSONField("data", [1])]))
    }

    /// The scanning fast path agrees with a full parse, skips what it does not need, and rejects broken JSON;
    /// a tool call (content null) is saved as the whole body.
    @Test func scanningFastPath() throws {
        let body = #"{"id":"x","choices":[{"index":0,"logprobs":{"a":[1,{"b":"\"}"}]},"message":{"role":"assistant","content":"é\n"}},{"message":{"content":"second"}}],"usage":{"total_tokens":5}}"#
        let parts = try #require(JSONParser.completionParts(Array(body.utf8)))
        #expect(parts.content == "é\n" && parts.usage?["total_tokens"] == 5 && parts.text == nil)
        #expect(JSONParser.completionParts(Array(#"{"choices":[{"message":{"content":"x"}}]"#.utf8)) == nil)
        #expect(JSONParser.completionParts(Array(#"{"choices":[] } trailing"#.utf8)) == nil)
        let tool = #"{"choices":[{"message":{"content":null,"tool_calls":[{"id":"t"}]}}]}"#
        #expect(try interpret(200, tool).get().response["choices"] != nil)
    }

    /// An SSE stream is joined into one answer with its usage.
    @Test func joinsStreams() throws {
        let body = """
            data: {"choices":[{"delta":{"role":"assistant","content":""}}]}

            data: {"choices":[{"delta":{"content":"Hel"}}]}

            data: {"choices":[{"delta":{"content":"lo"}}]}

            data: {"choices":[],"usage":{"completion_tokens":2}}

            data: [DONE]

            """
        let answer = try interpret(200, body, headers: [HeaderField("Content-Type", "text/event-stream")]).get()
        #expect(answer.response == "Hello" && answer.usage?["completion_tokens"] == 2)
    }

    /// Non-2xx answers carry the server's message and Retry-After; a 2xx that is not JSON is retryable.
    @Test func errors() {
        guard case .failure(let limited) = interpret(429, #"{"error":{"message":"slow down"}}"#, headers: [HeaderField("Retry-After", "3")]) else {
            Issue.record("429 accepted"); return
        }
        #expect(limited.status == 429 && limited.retryAfter == 3 && limited.description == "HTTP 429: slow down" && limited.kind == .rateLimited)
        guard case .failure(let invalid) = interpret(200, "<html>") else { Issue.record("html accepted"); return }
        #expect(invalid.isRetryable && invalid.kind == .invalidResponse)
    }
    /// finish_reason is kept (length shows an answer cut at max_tokens), with the refusal, logprobs and
    /// tool calls when present, on the fast path and the full parse alike; the save line carries them.
    @Test func keepsHowTheAnswerEnded() throws {
        let cut = try interpret(200, #"{"choices":[{"message":{"content":"Once upon"},"finish_reason":"length","logprobs":{"content":[{"token":"Once"}]}}]}"#).get()
        #expect(cut.finishReason == "length" && cut.logprobs?["content"]?[0]?["token"] == "Once")
        let refused = try interpret(200, #"{"choices":[{"message":{"content":null,"refusal":"I can't help"},"finish_reason":"stop"}]}"#).get()
        #expect(refused.refusal == "I can't help" && refused.finishReason == "stop")
        let tool = try interpret(200, #"{"choices":[{"message":{"content":null,"tool_calls":[{"id":"c1","type":"function","function":{"name":"f","arguments":"{\"a\":1}"}}]},"finish_reason":"tool_calls"}]}"#).get()
        #expect(tool.toolCalls?[0]?["function"]?["arguments"] == "{\"a\":1}" && tool.finishReason == "tool_calls")
        guard case .record(let record) = InputLine.classify(Array(#"{"input":"x"}"#.utf8), line: 1, defaults: RequestDefaults()) else { return }
        let line = OutputRecord.success(record: record, answer: tool, endpoint: "e", attempts: 1, latency: 0.1)
        #expect(line["finish_reason"] == "tool_calls" && line["tool_calls"]?[0]?["id"] == "c1")
        let plain = OutputRecord.success(record: record, answer: ParsedAnswer(response: "y"), endpoint: "e", attempts: 1, latency: 0.1)
        #expect(plain["finish_reason"] == .null)
    }

    /// --save_response full saves the whole body; a joined stream becomes one completion with its
    /// finish_reason and tool calls.
    @Test func fullResponse() throws {
        let body = #"{"id":"cmpl-1","choices":[{"message":{"content":"hi"},"finish_reason":"stop"}],"system_fingerprint":"fp"}"#
        let whole = try ResponseParser.interpret(TransportResponse(status: 200, body: Array(body.utf8)), wallClock: 0, keepBody: true).get()
        #expect(whole.withWholeBody.response["system_fingerprint"] == "fp")
        var streamed = ParsedAnswer(response: "a")
        streamed.finishReason = "length"
        #expect(streamed.withWholeBody.response["choices"]?[0]?["finish_reason"] == "length")
    }
}

@Suite struct TLSWordsTests {
    /// Certificate dates name the reason; a host name mismatch is called so.
    @Test func namesCertificateProblems() {
        #expect(TLSDiagnosis.reason(notBefore: 0, notAfter: 1_700_000_000, now: 1_800_000_000).contains("expired on 2023-11-14"))
        #expect(TLSDiagnosis.reason(notBefore: 1_900_000_000, notAfter: 2_000_000_000, now: 1_800_000_000).contains("not valid until 2030-03-17"))
        #expect(TLSDiagnosis.reason(notBefore: 0, notAfter: 2_000_000_000, now: 1_800_000_000).contains("untrusted certificate"))
        #expect(EngineError.tlsProblem(NIOSSLExtraError.failedToValidateHostname)?.contains("wrong host name") == true)
    }
}

@Suite struct QuotaErrorTests {
    /// A 429 with `insufficient_quota` is a quota error: not retried, not a rate limit; a plain 429 is one.
    @Test func quotaIsNotRate() {
        let quota = ResponseParser.interpret(TransportResponse(status: 429, body: Array(#"{"error":{"message":"You exceeded your current quota","code":"insufficient_quota"}}"#.utf8)), wallClock: 0)
        guard case .failure(let error) = quota else { Issue.record("accepted"); return }
        #expect(!error.isRetryable && !error.isRateLimit && error.kind == .rateLimited)
        #expect(error.description.contains("insufficient_quota"))
        let rate = ResponseParser.interpret(TransportResponse(status: 429, body: Array(#"{"error":{"message":"slow","code":"rate_limit_exceeded"}}"#.utf8)), wallClock: 0)
        guard case .failure(let limited) = rate else { Issue.record("accepted"); return }
        #expect(limited.isRetryable && limited.isRateLimit)
    }

    /// A stream read as it arrives is joined from the transport's reads, each at the time it
    /// arrived: TTFT is the first output's arrival, the duration the end's.
    @Test func streamsAreReadAsTheyArrive() throws {
        let first = Array("data: {\"choices\":[{\"delta\":{\"content\":\"Hel\"}}]}\n\n".utf8)
        let second = Array("data: {\"choices\":[{\"delta\":{\"content\":\"lo\"},\"finish_reason\":\"stop\"}]}\n\ndata: [DONE]\n\n".utf8)
        #expect(StreamReader.consumer(200, "text/event-stream; charset=utf-8") != nil && StreamReader.consumer(200, "application/json") == nil)
        #expect(StreamReader.consumer(429, "text/event-stream") == nil)
        let reader = try #require(StreamReader.consumer(200, "text/event-stream"))
        first.withUnsafeBytes { reader.consume($0, at: 0.25) }
        second.withUnsafeBytes { reader.consume($0, at: 0.5) }
        let response = TransportResponse(status: 200, headers: [HeaderField("content-type", "text/event-stream")], body: [],
                                         consumed: reader.finish(at: 0.5))
        let answer = try ResponseParser.interpret(response, wallClock: 0).get()
        #expect(answer.response == "Hello" && answer.finishReason == "stop")
        #expect(answer.timing?.ttft == 0.25 && answer.timing?.duration == 0.5)
        #expect(try ResponseParser.interpret(response, wallClock: 0, keepBody: true).get().body?["choices"]?[0]?["message"]?["content"] == "Hello")
    }
}
