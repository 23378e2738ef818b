import Engine
import Foundation
import MockLLM
import Testing
import TestSupport

#if canImport(Glibc)
import Glibc
#endif

/// The client's own headroom, measured on the release binary while it is starved of CPU.
@Suite(.serialized, .tags(.integration)) struct ClientHeadroomIntegrationTests {
    /// A run stopped for 80 ms of every 200 ms (SIGSTOP/SIGCONT: a machine that gives it no CPU)
    /// says in `/v1/status` that its loop lags past 20 ms and it is the bottleneck, and says so on its
    /// progress lines; a run left alone is not bound.
    @Test func starvedRunSaysItIsTheBottleneck() async throws {
        #expect(FileManager.default.isExecutableFile(atPath: "/usr/bin/curl"), "curl is needed (apt-get install curl)")
        let harness = try Harness()
        defer { harness.cleanUp() }
        let server = try await MockServer.start(behavior: MockBehavior(latency: 0.005))
        try harness.writeInput(Harness.prompts(100_000))
        let run = try ControlTests.BackgroundRun.start([
            "--requests_filepath", harness.inputPath, "--save_filepath", harness.savePath, "--endpoint", server.baseURL,
            "--max_requests_per_second", "50",
        ], harness: harness)
        #expect(await ControlTests.waitFor(10) { FileManager.default.fileExists(atPath: run.entryPath) })
        func client() throws -> JSONValue? {
            try JSONParser.parse(ControlTests.curl(["--unix-socket", run.socketPath, "http://fanout/v1/status"]))["client"]
        }
        try await Task.sleep(for: .seconds(2.5))
        let calm = try client()
        #expect(calm?["bound"] == .bool(false) && (calm?["loop_lag_ms_p99"]?.doubleValue ?? 99) < 20, "\(String(describing: calm))")
        #expect((calm?["cpu_percent"]?.doubleValue).map { (0...100).contains($0) } == true)
        let pid = run.process.processIdentifier
        for _ in 0..<20 {
            kill(pid, SIGSTOP)
            try await Task.sleep(for: .milliseconds(80))
            kill(pid, SIGCONT)
            try await Task.sleep(for: .milliseconds(120))
        }
        try await Task.sleep(for: .seconds(1.2))
        let starved = try client()
        #expect(starved?["bound"] == .bool(true) && (starved?["loop_lag_ms_p99"]?.doubleValue ?? 0) > 20, "\(String(describing: starved))")
        kill(pid, SIGINT)
        _ = await run.waitForExit()
        await server.stop()
        #expect(run.errors.contains("the client is the bottleneck: its figures include its own delay"), "\(run.errors)")
    }
}
