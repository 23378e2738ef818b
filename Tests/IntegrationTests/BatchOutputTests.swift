import Engine
import Foundation
import MockLLM
import Testing
import TestSupport

/// `--output_format openai-batch` over real HTTP: the files read back as OpenAI Batch output.
@Suite(.tags(.integration)) struct BatchOutputTests {
    /// Batch input in, Batch output out: every custom_id once, the server's whole body and request id
    /// kept; a 400 and a bad line are error lines with a code; a resumed run reads custom_id back.
    @Test func writesBatchLinesAndResumes() async throws {
        let harness = try Harness()
        defer { harness.cleanUp() }
        let server = try await MockServer.start()
        var lines = (1...40).map { #"{"custom_id":"task-\#($0)","method":"POST","url":"/v1/chat/completions","body":{"model":"m","messages":[{"role":"user","content":"q\#($0)"}]}}"# }
        lines.append("{broken")
        let outcome = try await harness.run(lines, endpoints: [Harness.endpoint(server)]) { $0.outputFormat = .openAIBatch }
        #expect(outcome.saved.count == 40 && outcome.errors.count == 1)
        for line in outcome.saved {
            #expect(line["id"]?.stringValue?.hasPrefix("batch_req_") == true)
            #expect(line["response"]?["status_code"] == 200)
            #expect(line["response"]?["request_id"]?.stringValue?.hasPrefix("req_mock") == true)
            #expect(line["response"]?["body"]?["object"] == "chat.completion")
            #expect(line["response"]?["body"]?["choices"]?[0]?["message"]?["content"]?.stringValue?.hasPrefix("Answer to: q") == true)
            #expect(line["error"] == .null)
        }
        let customIDs = outcome.saved.compactMap { $0["custom_id"]?.stringValue }
        #expect(Set(customIDs) == Set((1...40).map { "task-\($0)" }) && customIDs.count == 40)
        #expect(outcome.errors[0]["custom_id"] == "41" && outcome.errors[0]["response"] == .null)
        #expect(outcome.errors[0]["error"]?["code"] == "invalid_request_line")

        // A second run over the same files resumes: nothing is sent again.
        let index = try ResumeIndex.prepare(savePath: harness.savePath, errorsPath: harness.errorsPath, restart: false)
        #expect(index.done.count == 41 && index.done.contains("task-7"))
        server.resetCounters()
        let again = try await harness.run(lines, endpoints: [Harness.endpoint(server)]) { configuration in
            configuration.outputFormat = .openAIBatch
            configuration.alreadyDone = index.done
        }
        #expect(server.arrivals == 0 && again.result.snapshot.resumed == 41)

        // HTTP failures are error lines whose code names the status.
        server.behavior = MockBehavior(fixedStatus: 400)
        let other = try Harness()
        defer { other.cleanUp() }
        let failed = try await other.run(Array(lines.prefix(3)), endpoints: [Harness.endpoint(server)]) { $0.outputFormat = .openAIBatch }
        await server.stop()
        #expect(failed.errors.count == 3 && failed.errors.allSatisfy { $0["error"]?["code"] == "http_400" })
    }
}
