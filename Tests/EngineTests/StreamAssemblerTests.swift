import Testing
@testable import Engine

@Suite struct StreamAssemblerTests {
    static func event(_ json: String) -> String { "data: \(json)\n\n" }
    static let role = event(#"{"choices":[{"delta":{"role":"assistant","content":""}}]}"#)
    static func content(_ text: String) -> String { event(#"{"choices":[{"delta":{"content":"\#(text)"}}]}"#) }

    /// Chunks fed as they arrive are timed from the write: TTFT is the first chunk with content (not
    /// the role chunk), ITL the gaps after it, TPOT (end − TTFT) / (tokens − 1) with tokens from usage.
    @Test func timesContentChunks() throws {
        var assembler = StreamAssembler(timed: true)
        assembler.feed(Array(Self.role.utf8), at: 0.05)
        assembler.feed(Array(Self.content("Hel").utf8), at: 0.2)
        assembler.feed(Array(Self.content("lo").utf8), at: 0.25)
        assembler.feed(Array((Self.content("!") + Self.event(#"{"choices":[],"usage":{"completion_tokens":3}}"#) + "data: [DONE]\n\n").utf8), at: 0.32)
        let answer = try assembler.finish(status: 200, end: 0.33).get()
        #expect(answer.response == "Hello!")
        let timing = try #require(answer.timing)
        #expect(timing.ttft == 0.2 && timing.outputTokens == 3 && timing.tokensReported)
        #expect(timing.itl.count == 2 && abs(timing.itl[0] - 0.05) < 1e-9 && abs(timing.itl[1] - 0.07) < 1e-9)
        #expect(abs(try #require(timing.tpot) - 0.065) < 1e-9)
    }

    /// A joined stream keeps the answer's own fields as an unstreamed answer has them: `id`,
    /// `model`, `created`, `system_fingerprint` from the chunks, and llama.cpp's `timings` from the last.
    @Test func keepsTheAnswersOwnFields() throws {
        var assembler = StreamAssembler(timed: false)
        let head = #""id":"chatcmpl-7","object":"chat.completion.chunk","created":1765000000,"model":"SmolLM2","system_fingerprint":"b1""#
        assembler.feed(Array(Self.event(#"{\#(head),"choices":[{"delta":{"content":"Hi"}}]}"#).utf8), at: 0)
        assembler.feed(Array(Self.event(#"{\#(head),"choices":[{"delta":{},"finish_reason":"stop"}],"timings":{"predicted_n":1}}"#).utf8), at: 0)
        assembler.feed(Array(Self.event(#"{\#(head),"choices":[],"usage":{"completion_tokens":1},"timings":{"predicted_n":2}}"#).utf8), at: 0)
        let answer = try assembler.finish(status: 200, end: 0).get()
        let body = answer.joinedBody
        guard case .object(let fields) = body else {
            Issue.record("not an object: \(body)")
            return
        }
        #expect(fields.map(\.key) == ["id", "object", "created", "model", "system_fingerprint", "choices", "usage", "timings"])
        #expect(body["id"] == "chatcmpl-7" && body["object"] == "chat.completion" && body["model"] == "SmolLM2")
        #expect(body["created"]?.intValue == 1_765_000_000 && body["timings"]?["predicted_n"]?.intValue == 2)
        #expect(body["choices"]?[0]?["message"]?["content"] == "Hi")
    }

    /// Google's OpenAI-compatible endpoint puts usage in its last content chunk, without
    /// stream_options and without `[DONE]`: the tokens come from it.
    @Test func usageInTheLastChunkWithoutOptions() throws {
        var assembler = StreamAssembler(timed: true)
        assembler.feed(Array((Self.content("Hel")).utf8), at: 0.1)
        assembler.feed(Array(Self.event(#"{"choices":[{"delta":{"content":"lo"},"finish_reason":"stop"}],"usage":{"prompt_tokens":4,"completion_tokens":2,"total_tokens":6}}"#).utf8), at: 0.2)
        let answer = try assembler.finish(status: 200, end: 0.25).get()
        #expect(answer.response == "Hello" && answer.usage?["completion_tokens"] == 2 && answer.timing?.tokensReported == true)
        #expect(answer.promptTokens == 4 && answer.finishReason == "stop")
    }

    /// Lines split anywhere across reads, CRLF and CR line ends, comments, other fields and an event
    /// of two data lines are all read as SSE says.
    @Test func readsSSEAcrossReads() throws {
        let body = ": keep-alive\r\nevent: message\r\ndata: {\"choices\":[{\"delta\":\r\ndata: {\"content\":\"a\"}}]}\r\n\r\n"
            + "data: {\"choices\":[{\"delta\":{\"content\":\"b\"}}]}\r\rdata: [DONE]\r\r"
        let bytes = Array(body.utf8)
        for cut in 1..<bytes.count {
            var assembler = StreamAssembler(timed: true)
            assembler.feed(bytes[..<cut], at: 0.1)
            assembler.feed(bytes[cut...], at: 0.2)
            let answer = try assembler.finish(status: 200, end: 0.3).get()
            #expect(answer.response == "ab", "cut at \(cut)")
            #expect(answer.timing?.outputTokens == 2)
        }
    }

    /// With usage on every chunk (vLLM's continuous usage stats) a gap is split over the chunk's tokens.
    @Test func perChunkUsageMakesITLTokenBased() throws {
        var assembler = StreamAssembler(timed: true)
        assembler.feed(Array(Self.event(#"{"choices":[{"delta":{"content":"a"}}],"usage":{"completion_tokens":1}}"#).utf8), at: 0.1)
        assembler.feed(Array(Self.event(#"{"choices":[{"delta":{"content":"bcd"}}],"usage":{"completion_tokens":4}}"#).utf8), at: 0.4)
        let timing = try #require(try assembler.finish(status: 200, end: 0.4).get().timing)
        #expect(timing.itl == [0.1] || abs(timing.itl[0] - 0.1) < 1e-9)
        #expect(timing.outputTokens == 4)
    }

    /// Reasoning and tool-call deltas count as output for TTFT; a stream without any gives no timing.
    @Test func reasoningCountsAsOutput() throws {
        var assembler = StreamAssembler(timed: true)
        assembler.feed(Array(Self.event(#"{"choices":[{"delta":{"reasoning_content":"hmm"}}]}"#).utf8), at: 0.1)
        assembler.feed(Array((Self.content("ok") + "data: [DONE]\n\n").utf8), at: 0.3)
        #expect(try assembler.finish(status: 200, end: 0.3).get().timing?.ttft == 0.1)
        var empty = StreamAssembler(timed: true)
        empty.feed(Array((Self.role + "data: [DONE]\n\n").utf8), at: 0.1)
        #expect(try empty.finish(status: 200, end: 0.2).get().timing == nil)
    }

    /// An error event, a chunk that is not JSON and a stream with no chunk fail the attempt, retryably.
    @Test func brokenStreamsFail() {
        for body in [Self.event(#"{"error":{"message":"overloaded"}}"#), "data: {nope\n\n", ": only a comment\n\n"] {
            var assembler = StreamAssembler(timed: true)
            assembler.feed(Array(body.utf8), at: 0.1)
            guard case .failure(let error) = assembler.finish(status: 200, end: 0.2) else {
                Issue.record("\(body) was accepted")
                continue
            }
            #expect(error.isRetryable)
        }
    }

    /// An untimed stream (one that arrived whole) is joined without timing.
    @Test func untimedHasNoTiming() throws {
        var assembler = StreamAssembler(timed: false)
        assembler.feed(Array((Self.content("x") + "data: [DONE]\n\n").utf8), at: 0)
        let answer = try assembler.finish(status: 200, end: 0).get()
        #expect(answer.response == "x" && answer.timing == nil)
    }

    /// Streamed tool calls are assembled by index (arguments joined exactly as sent), and the last
    /// finish_reason, the refusal and logprobs are kept.
    @Test func assemblesToolCalls() throws {
        var assembler = StreamAssembler(timed: false)
        let chunks = [
            #"{"choices":[{"delta":{"tool_calls":[{"index":0,"id":"call_1","type":"function","function":{"name":"get_weather","arguments":""}}]}}]}"#,
            #"{"choices":[{"delta":{"tool_calls":[{"index":0,"function":{"arguments":"{\"city\":"}}]}}]}"#,
            #"{"choices":[{"delta":{"tool_calls":[{"index":0,"function":{"arguments":"\"Paris\"}"}}]},"logprobs":{"content":[{"token":"x"}]}}]}"#,
            #"{"choices":[{"delta":{},"finish_reason":"tool_calls"}]}"#,
        ]
        assembler.feed(Array((chunks.map(Self.event).joined() + "data: [DONE]\n\n").utf8), at: 0)
        let answer = try assembler.finish(status: 200, end: 0).get()
        #expect(answer.finishReason == "tool_calls" && answer.logprobs?["content"]?[0]?["token"] == "x")
        let call = try #require(answer.toolCalls?[0])
        #expect(call["id"] == "call_1" && call["function"]?["name"] == "get_weather" && call["function"]?["arguments"] == #"{"city":"Paris"}"#)
        var refusing = StreamAssembler(timed: false)
        refusing.feed(Array((Self.event(#"{"choices":[{"delta":{"refusal":"No."},"finish_reason":"stop"}]}"#) + "data: [DONE]\n\n").utf8), at: 0)
        #expect(try refusing.finish(status: 200, end: 0).get().refusal == "No.")
    }

    /// A stream that ends without [DONE], a finish_reason or usage was cut, however cleanly the
    /// connection closed: it fails (retried) with the output it delivered counted; any one of the
    /// three makes it an answer.
    @Test func streamWithoutAnEndIsCut() throws {
        var cut = StreamAssembler(timed: true)
        cut.feed(Array((Self.role + Self.content("a") + Self.content("b")).utf8), at: 0.1)
        guard case .failure(let failure) = cut.finish(status: 200, end: 0.2) else {
            Issue.record("a stream without an end was taken as an answer")
            return
        }
        #expect(failure.description.contains("stream ended early") && failure.isRetryable && failure.partialOutput == 2)
        for ending in ["data: [DONE]\n\n", Self.event(#"{"choices":[{"delta":{},"finish_reason":"stop"}]}"#),
                       Self.event(#"{"choices":[],"usage":{"prompt_tokens":1,"completion_tokens":2}}"#)] {
            var whole = StreamAssembler(timed: false)
            whole.feed(Array((Self.role + Self.content("a") + ending).utf8), at: 0)
            #expect(throws: Never.self) { try whole.finish(status: 200, end: 0).get() }
        }
    }
}
