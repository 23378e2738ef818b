import Engine
import Foundation
import MockLLM
import Testing
import TestSupport

/// The release binary learns limits nobody gave it, against real servers on 127.0.0.1.
@Suite(.serialized, .tags(.integration)) struct LearningTests {
    /// A proxy allowing 60 requests per 2 s window, answering 429 with no Retry-After and sending
    /// only the limit and what is left: at default settings every record is saved, none fails, at
    /// most one 429 per record, and the progress lines name the learned rate.
    @Test func learnsAnAllowanceFromHeaders() async throws {
        let harness = try Harness()
        defer { harness.cleanUp() }
        var behavior = MockBehavior(latency: 0.005, rateLimit: 60)
        behavior.rateLimitWindow = 2
        behavior.rateLimitRetryAfter = false
        behavior.rateLimitResetHeader = false
        let server = try await MockServer.start(behavior: behavior)
        try harness.writeInput(Harness.prompts(150))
        let run = try BinaryTests().fanout(["--requests_filepath", harness.inputPath, "--save_filepath", harness.savePath,
                                            "--endpoint", server.baseURL, "--no-tui"])
        await server.stop()
        #expect(run.status == 0, "stderr: \(run.stderr)")
        #expect(try Harness.read(harness.savePath).count == 150)
        #expect((try? Harness.read(harness.errorsPath).count) ?? 0 == 0)
        #expect(server.arrivals - 150 <= 150, "\(server.arrivals - 150) 429s")
        #expect(run.stderr.contains("learned") || run.stderr.contains("headers"), "stderr: \(run.stderr)")
    }

    /// A server that serves 8 at once (100 ms each) behind `--max_in_flight auto`: the run ends
    /// with every record saved, the server never held more than a few times its capacity, and the
    /// progress lines name the automatic cap.
    @Test func autoCapFindsTheServer() async throws {
        let harness = try Harness()
        defer { harness.cleanUp() }
        let server = try await MockServer.start(behavior: MockBehavior(latency: 0.1, capacity: 8))
        try harness.writeInput(Harness.prompts(500))
        let run = try BinaryTests().fanout(["--requests_filepath", harness.inputPath, "--save_filepath", harness.savePath,
                                            "--endpoint", server.baseURL, "--no-tui", "--max_requests_per_second", "0",
                                            "--max_in_flight", "auto"])
        await server.stop()
        #expect(run.status == 0, "stderr: \(run.stderr)")
        #expect(try Harness.read(harness.savePath).count == 500)
        #expect(server.peakPending <= 32, "peak \(server.peakPending) at a server of capacity 8")
        #expect(run.stderr.contains("auto"), "stderr: \(run.stderr)")
    }
}
