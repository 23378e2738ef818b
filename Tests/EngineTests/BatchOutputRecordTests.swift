import Testing
@testable import Engine

@Suite struct BatchOutputRecordTests {
    let record = RequestRecord(id: "req-7", line: 3, form: .batch, input: .object([]), body: .object([]))

    /// A success is an OpenAI Batch output line: custom_id, status, request id, the whole body, error null.
    @Test func successLine() {
        var answer = ParsedAnswer(response: "hi")
        answer.body = .object([JSONField("object", "chat.completion")])
        answer.requestID = "req_abc"
        let line = BatchOutputRecord.success(record: record, answer: answer)
        #expect(line["custom_id"] == "req-7")
        #expect(line["id"]?.stringValue?.hasPrefix("batch_req_") == true && line["id"]?.stringValue?.count == 26)
        #expect(line["response"]?["status_code"] == 200 && line["response"]?["request_id"] == "req_abc")
        #expect(line["response"]?["body"]?["object"] == "chat.completion")
        #expect(line["error"] == .null)
        #expect(BatchOutputRecord.success(record: record, answer: answer)["id"] == line["id"])
    }

    /// A failure has no response and an error with a code and a message; bad lines say so.
    @Test func failureLines() {
        let http = BatchOutputRecord.failure(record: record, error: .http(status: 429, detail: "slow"), message: "HTTP 429: slow")
        #expect(http["response"] == .null && http["error"]?["code"] == "http_429" && http["error"]?["message"] == "HTTP 429: slow")
        let timeout = BatchOutputRecord.failure(record: record, error: .timeout(seconds: 3), message: "timeout after 3s")
        #expect(timeout["error"]?["code"] == "timeout")
        let bad = BatchOutputRecord.badLine(BadLine(id: "9", line: 9, raw: "{", reason: "not valid JSON"))
        #expect(bad["custom_id"] == "9" && bad["error"]?["code"] == "invalid_request_line")
    }

    /// With keepBody the parser keeps the whole body and the request id; a stream becomes one completion.
    @Test func parserKeepsBody() throws {
        let response = TransportResponse(status: 200, headers: [HeaderField("X-Request-Id", "req_1")],
                                         body: Array(#"{"choices":[{"message":{"content":"x"}}],"usage":{"total_tokens":4}}"#.utf8))
        let answer = try ResponseParser.interpret(response, wallClock: 0, keepBody: true).get()
        #expect(answer.requestID == "req_1" && answer.body?["usage"]?["total_tokens"] == 4 && answer.totalTokens == 4)
        let stream = TransportResponse(status: 200, headers: [HeaderField("content-type", "text/event-stream")],
                                       body: Array("data: {\"choices\":[{\"delta\":{\"content\":\"a\"}}]}\n\ndata: [DONE]\n\n".utf8))
        let joined = try ResponseParser.interpret(stream, wallClock: 0, keepBody: true).get()
        #expect(joined.body?["choices"]?[0]?["message"]?["content"] == "a")
        #expect(try ResponseParser.interpret(response, wallClock: 0).get().body == nil)
    }
}
