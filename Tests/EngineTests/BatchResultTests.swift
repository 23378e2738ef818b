import Testing
@testable import Engine

@Suite struct BatchResultTests {
    /// OpenAI output and error lines: an answer, an error status, and batch_expired as not run.
    @Test func readsOpenAILines() throws {
        let answer = try JSONParser.parse(#"{"id":"x","custom_id":"a","response":{"status_code":200,"request_id":"req","body":{"id":"c","object":"chat.completion","model":"gpt-4o-mini","choices":[{"index":0,"message":{"role":"assistant","content":"hi"},"finish_reason":"stop"}],"usage":{"prompt_tokens":3,"completion_tokens":1,"total_tokens":4}}},"error":null}"#)
        guard case .answered(let parsed)? = OpenAIBatchAPI.result(answer)?.outcome else { Issue.record("an answer"); return }
        #expect(parsed.response == "hi" && parsed.finishReason == "stop")
        let refused = try JSONParser.parse(#"{"custom_id":"b","response":{"status_code":400,"body":{"error":{"message":"bad body","type":"invalid_request_error"}}},"error":null}"#)
        guard case .failed(let error)? = OpenAIBatchAPI.result(refused)?.outcome else { Issue.record("a failure"); return }
        #expect(error.status == 400 && error.description.contains("bad body"))
        let expired = try JSONParser.parse(#"{"custom_id":"c","response":null,"error":{"code":"batch_expired","message":"too late"}}"#)
        guard case .notRun? = OpenAIBatchAPI.result(expired)?.outcome else { Issue.record("not run"); return }
    }

    /// Anthropic result lines: succeeded, errored (its type as a status), canceled and expired as not run.
    @Test func readsAnthropicLines() throws {
        let ok = try JSONParser.parse(#"{"custom_id":"a","result":{"type":"succeeded","message":{"id":"m","type":"message","role":"assistant","model":"claude","content":[{"type":"text","text":"hi"}],"stop_reason":"end_turn","usage":{"input_tokens":2,"output_tokens":1}}}}"#)
        guard case .answered(let parsed)? = AnthropicBatchAPI.result(ok)?.outcome else { Issue.record("an answer"); return }
        #expect(parsed.response == "hi")
        let errored = try JSONParser.parse(#"{"custom_id":"b","result":{"type":"errored","error":{"type":"error","error":{"type":"invalid_request_error","message":"max_tokens: Field required"}}}}"#)
        guard case .failed(let error)? = AnthropicBatchAPI.result(errored)?.outcome else { Issue.record("a failure"); return }
        #expect(error.status == 400 && !error.isRetryable)
        for type in ["canceled", "expired"] {
            let line = try JSONParser.parse(#"{"custom_id":"c","result":{"type":"\#(type)"}}"#)
            guard case .notRun? = AnthropicBatchAPI.result(line)?.outcome else { Issue.record("\(type): not run"); return }
        }
    }

    /// Batch objects of both providers read into one shape; Anthropic's RFC 3339 times become Unix seconds.
    @Test func readsBatchObjects() throws {
        let openAI = try #require(BatchObject(openAI: try JSONParser.parse(#"{"id":"batch_1","status":"in_progress","input_file_id":"f","request_counts":{"total":10,"completed":4,"failed":1},"created_at":1700000000,"expires_at":1700086400,"metadata":{"fanout_batch":"k"}}"#)))
        #expect(openAI.total == 10 && openAI.completed == 4 && openAI.failed == 1 && openAI.key == "k" && !openAI.hasEnded)
        let anthropic = try #require(BatchObject(anthropic: try JSONParser.parse(#"{"id":"msgbatch_1","processing_status":"ended","request_counts":{"processing":0,"succeeded":7,"errored":1,"canceled":2,"expired":0},"created_at":"2024-08-20T18:37:24.100435Z"}"#)))
        #expect(anthropic.total == 10 && anthropic.completed == 7 && anthropic.hasEnded)
        #expect(abs((anthropic.createdAt ?? 0) - 1_724_179_044.100435) < 0.001)
        #expect(RFC3339.text(1_724_179_044) == "2024-08-20T18:37:24Z")
    }

    /// A provider's absurd counts and times are held to bounds, and its words cannot draw on the screen.
    @Test func hostileBatchObjectsAreBounded() throws {
        let json = try JSONParser.parse(#"{"id":"b\u001b[2J","status":"in_progress\u0007","request_counts":{"total":1e300,"completed":-5,"failed":9223372036854775807},"created_at":-1,"expires_at":1e308}"#)
        let batch = try #require(BatchObject(openAI: json))
        #expect(batch.total == 1_000_000_000 && batch.completed == 0 && batch.failed == 1_000_000_000)
        #expect(batch.createdAt == nil && batch.expiresAt == nil)
        let view = BatchView(id: batch.id, status: batch.status, total: batch.total, completed: batch.completed, failed: batch.failed,
                             createdAt: nil, expiresAt: nil)
        #expect(!view.id.unicodeScalars.contains { $0.value < 0x20 } && !view.status.unicodeScalars.contains { $0.value < 0x20 })
    }
}
