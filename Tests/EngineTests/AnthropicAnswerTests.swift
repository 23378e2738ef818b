import Testing
@testable import Engine

/// Anthropic's answers, streams, errors and rate-limit headers as fanout reads them.
@Suite struct AnthropicAnswerTests {
    /// Text blocks joined, tool uses as tool calls, stop_reason mapped and kept, usage's four counts
    /// with the raw usage beside them; request-id is the request id.
    @Test func message() throws {
        let body = #"{"id":"msg_1","type":"message","role":"assistant","model":"claude","content":[{"type":"text","text":"Hel"},{"type":"thinking","thinking":"…"},{"type":"text","text":"lo"},{"type":"tool_use","id":"tu_1","name":"get","input":{"a":1}}],"stop_reason":"tool_use","stop_sequence":null,"usage":{"input_tokens":10,"output_tokens":5,"cache_read_input_tokens":100,"service_tier":"standard"}}"#
        let response = TransportResponse(status: 200, headers: [HeaderField("request-id", "req_9")], body: Array(body.utf8))
        let answer = try ResponseParser.interpret(response, wallClock: 0, dialect: .anthropic).get()
        #expect(answer.response == "Hello" && answer.finishReason == "tool_calls" && answer.stopReason == "tool_use")
        #expect(answer.toolCalls?[0]?["function"]?["arguments"] == #"{"a":1}"# && answer.requestID == "req_9")
        #expect(answer.usage?["cache_read_input_tokens"] == 100 && answer.usage?["cache_creation_input_tokens"] == 0)
        #expect(answer.rawUsage?["service_tier"] == "standard" && answer.promptTokens == 110 && answer.completionTokens == 5)
    }

    static let stream = """
        event: message_start
        data: {"type":"message_start","message":{"id":"msg_1","type":"message","role":"assistant","content":[],"model":"claude","stop_reason":null,"usage":{"input_tokens":25,"output_tokens":1}}}

        event: content_block_start
        data: {"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}

        event: ping
        data: {"type": "ping"}

        event: content_block_delta
        data: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Hello"}}

        event: content_block_delta
        data: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":" world"}}

        event: content_block_stop
        data: {"type":"content_block_stop","index":0}

        event: content_block_start
        data: {"type":"content_block_start","index":1,"content_block":{"type":"tool_use","id":"tu_1","name":"get","input":{}}}

        event: content_block_delta
        data: {"type":"content_block_delta","index":1,"delta":{"type":"input_json_delta","partial_json":"{\\"a\\":"}}

        event: content_block_delta
        data: {"type":"content_block_delta","index":1,"delta":{"type":"input_json_delta","partial_json":"1}"}}

        event: message_delta
        data: {"type":"message_delta","delta":{"stop_reason":"tool_use","stop_sequence":null},"usage":{"output_tokens":12}}

        event: message_stop
        data: {"type":"message_stop"}


        """

    /// A stream split at every byte offset gives the same answer: text, the tool call assembled,
    /// usage cumulative, and timing from the first output delta.
    @Test func streamAtEveryOffset() throws {
        let bytes = Array(Self.stream.utf8)
        for cut in stride(from: 0, to: bytes.count, by: 7) {
            var assembler = AnthropicStreamAssembler(timed: true)
            assembler.feed(bytes[..<cut], at: 0.1)
            assembler.feed(bytes[cut...], at: 0.3)
            let answer = try assembler.finish(status: 200, end: 0.4).get()
            #expect(answer.response == "Hello world" && answer.finishReason == "tool_calls")
            #expect(answer.toolCalls?[0]?["function"]?["arguments"] == #"{"a":1}"#)
            #expect(answer.usage?["input_tokens"] == 25 && answer.usage?["output_tokens"] == 12)
            #expect(answer.timing?.outputTokens == 12 && answer.timing?.tokensReported == true)
        }
        var timed = AnthropicStreamAssembler(timed: true)
        for (index, event) in Self.stream.components(separatedBy: "\n\n").enumerated() { timed.feed(Array((event + "\n\n").utf8), at: Double(index) * 0.01) }
        let timing = try #require(try timed.finish(status: 200, end: 0.2).get().timing)
        #expect(abs(timing.ttft - 0.03) < 1e-9 && timing.itl.count == 3)
    }

    /// The fast reading of one-token text deltas gives what a full parse gives, escapes included,
    /// and leaves anything written otherwise to the full parse.
    @Test func textDeltaFastPath() throws {
        for text in ["plain", #"a \"quote\" and \\ and \n and \u00e9"#, "", "ünï ☃"] {
            let payload = Array(#"{"type":"content_block_delta","index":12,"delta":{"type":"text_delta","text":"\#(text)"}}"#.utf8)
            let full = try JSONParser.parse(payload)["delta"]?["text"]?.stringValue
            let fast = AnthropicStreamAssembler.textDelta(payload)
            #expect(fast?.0 == 12 && fast?.1 == full, "\(text)")
        }
        #expect(AnthropicStreamAssembler.textDelta(Array(#"{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"x","extra":1}}"#.utf8)) == nil)
        #expect(AnthropicStreamAssembler.textDelta(Array(#"{"type": "content_block_delta", "index": 0}"#.utf8)) == nil)
    }

    /// An `error` event after the 200: overloaded is retried like a 529 (kind overloaded, not an
    /// endpoint failure); a stream cut before message_stop fails with the usage it reported.
    @Test func streamErrors() {
        var overloaded = AnthropicStreamAssembler(timed: false)
        overloaded.feed(Array(#"event: message_start\#ndata: {"type":"message_start","message":{"usage":{"input_tokens":3}}}\#n\#nevent: error\#ndata: {"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}\#n\#n"#.utf8), at: 0)
        guard case .failure(let error) = overloaded.finish(status: 200, end: 0) else { Issue.record("not a failure"); return }
        #expect(error.status == 529 && error.isRetryable && error.kind == .overloaded && !error.isEndpointFailure)
        var cut = AnthropicStreamAssembler(timed: false)
        cut.feed(Array(Self.stream.utf8.prefix(600)), at: 0)
        guard case .failure(let short) = cut.finish(status: 200, end: 0) else { Issue.record("not a failure"); return }
        #expect(short.isRetryable && short.usage?["input_tokens"] == 25)
    }

    /// A 529 with Anthropic's error body is "overloaded", retried, and not counted as the endpoint failing.
    @Test func overloadedAnswer() {
        let body = #"{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}"#
        guard case .failure(let error) = ResponseParser.interpret(TransportResponse(status: 529, body: Array(body.utf8)), wallClock: 0, dialect: .anthropic) else {
            Issue.record("not a failure")
            return
        }
        #expect(error.kind == .overloaded && error.isRetryable && !error.isEndpointFailure && error.description.contains("Overloaded"))
    }

    /// `anthropic-ratelimit-*` headers: the request limit and what is left, the tightest token
    /// figure, RFC 3339 resets read against the wall clock.
    @Test func rateLimitHeaders() throws {
        let now = try #require(ProviderRateLimits.rfc3339("2026-12-04T13:00:00Z"))
        #expect(ProviderRateLimits.rfc3339("2026-12-04T14:00:30.5+01:00") == now + 30.5)
        #expect(ProviderRateLimits.rfc3339("2026-12-04 13:00") == nil)
        let limits = try #require(ProviderRateLimits(anthropicHeaders: [
            HeaderField("anthropic-ratelimit-requests-limit", "50"), HeaderField("anthropic-ratelimit-requests-remaining", "49"),
            HeaderField("anthropic-ratelimit-requests-reset", "2026-12-04T13:00:01Z"),
            HeaderField("anthropic-ratelimit-input-tokens-remaining", "30000"), HeaderField("anthropic-ratelimit-output-tokens-remaining", "8000"),
            HeaderField("anthropic-ratelimit-tokens-reset", "2026-12-04T13:00:06Z"),
        ], wallClock: now))
        #expect(limits.limitRequests == 50 && limits.remainingRequests == 49 && limits.resetRequests == 1)
        #expect(limits.remainingTokens == 8000 && limits.resetTokens == 6)
        #expect(ProviderRateLimits(anthropicHeaders: [HeaderField("request-id", "x")], wallClock: now) == nil)
    }

    /// Gemini's 429 carries its wait in google.rpc.RetryInfo, as an object or inside a list.
    @Test func googleRetryDelay() {
        for body in [#"{"error":{"code":429,"details":[{"@type":"type.googleapis.com/google.rpc.RetryInfo","retryDelay":"24s"}]}}"#,
                     #"[{"error":{"code":429,"details":[{"@type":"type.googleapis.com/google.rpc.QuotaFailure"},{"@type":"type.googleapis.com/google.rpc.RetryInfo","retryDelay":"1.5s"}]}}]"#] {
            guard case .failure(let error) = ResponseParser.interpret(TransportResponse(status: 429, body: Array(body.utf8)), wallClock: 0) else { continue }
            #expect(error.retryAfter == (body.hasPrefix("[") ? 1.5 : 24))
        }
    }

    /// Message Batches output: a succeeded line with the message, an errored line with its type.
    @Test func messageBatchLines() throws {
        let record = RequestRecord(id: "req-1", line: 1, form: .messageBatch, input: .object([]), body: .object([]))
        var answer = ParsedAnswer(response: "hi", usage: .object([JSONField("prompt_tokens", 10), JSONField("completion_tokens", 2),
                                                                  JSONField("prompt_tokens_details", .object([JSONField("cached_tokens", 4)]))]))
        answer.finishReason = "length"
        let line = MessageBatchOutputRecord.success(record: record, answer: answer)
        #expect(line["custom_id"] == "req-1" && line["result"]?["type"] == "succeeded")
        #expect(line["result"]?["message"]?["content"]?[0]?["text"] == "hi" && line["result"]?["message"]?["stop_reason"] == "max_tokens")
        #expect(line["result"]?["message"]?["usage"]?["input_tokens"] == 6 && line["result"]?["message"]?["usage"]?["cache_read_input_tokens"] == 4)
        let failed = MessageBatchOutputRecord.failure(record: record, error: .http(status: 529, detail: "Overloaded"), message: "HTTP 529: Overloaded")
        #expect(failed["result"]?["type"] == "errored" && failed["result"]?["error"]?["error"]?["type"] == "overloaded_error")
    }
}
