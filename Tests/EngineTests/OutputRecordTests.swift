import Testing
@testable import Engine

@Suite struct OutputRecordTests {
    let record = RequestRecord(id: "7", line: 7, form: .seed, input: "hi", body: .object([]))

    /// A streamed answer's line adds the request id, ttft_ms, e2e_ms, tpot_ms, output_tokens and
    /// itl_ms in milliseconds with two decimals, enough to recompute TPOT and tokens per second.
    @Test func streamedLine() {
        var answer = ParsedAnswer(response: "hey", usage: nil, requestID: "req_1")
        answer.timing = StreamTiming(ttft: 0.2123456, itl: [0.01, 0.0204], outputTokens: 3, tokensReported: false, duration: 0.2423456)
        let line = OutputRecord.success(record: record, answer: answer, endpoint: "gpu", attempts: 1, latency: 0.25)
        #expect(line["request_id"] == "req_1" && line["ttft_ms"] == .number("212.35") && line["e2e_ms"] == .number("242.35"))
        #expect(line["tpot_ms"] == 15 && line["output_tokens"] == 3 && line["itl_ms"] == [.number("10"), .number("20.4")])
        let plain = OutputRecord.success(record: record, answer: ParsedAnswer(response: "hey"), endpoint: "gpu", attempts: 1, latency: 0.25)
        #expect(plain["ttft_ms"] == nil && plain["itl_ms"] == nil && plain["request_id"] == nil)
    }

    /// Batch lines keep exactly the Batch shape when the answer was streamed: no timing fields.
    @Test func batchLinesStayBatch() throws {
        let stream = TransportResponse(status: 200, headers: [HeaderField("content-type", "text/event-stream"), HeaderField("x-request-id", "r9")],
                                       body: Array("data: {\"choices\":[{\"delta\":{\"content\":\"ok\"}}]}\n\ndata: [DONE]\n\n".utf8))
        var answer = try ResponseParser.interpret(stream, wallClock: 0, keepBody: true).get()
        answer.timing = StreamTiming(ttft: 0.1, itl: [], outputTokens: 1, tokensReported: false, duration: 0.1)
        let line = BatchOutputRecord.success(record: record, answer: answer)
        guard case .object(let fields) = line else { Issue.record("not an object"); return }
        #expect(fields.map(\.key) == ["id", "custom_id", "response", "error"])
        #expect(line["response"]?["request_id"] == "r9")
    }
}
