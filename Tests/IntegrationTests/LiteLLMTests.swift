import Foundation
import MockLLM
import Testing
import TestSupport

#if canImport(Glibc)
import Glibc
#endif

/// fanout against a real third-party server: the LiteLLM proxy (1.80, from PyPI, installed by
/// `.ci/run` into a virtual environment), with a mock model limited to 120 requests a minute.
@Suite(.serialized, .tags(.integration)) struct LiteLLMTests {
    /// Where `.ci/run` installs LiteLLM (or `FANOUT_LITELLM`, a `litellm` executable).
    static var executable: String? {
        let environment = ProcessInfo.processInfo.environment
        let candidates = [environment["FANOUT_LITELLM"], (environment["HOME"] ?? "/root") + "/.cache/fanout-litellm/bin/litellm"]
        return candidates.compactMap { $0 }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    /// Starts the LiteLLM proxy with `config` (YAML) on a free 127.0.0.1 port, its output to `log`
    /// (nowhere when nil), and waits until it listens. SIGKILL the process when done: uvicorn may
    /// wait on LiteLLM's background tasks after SIGTERM.
    static func start(config: String, in harness: Harness, log: URL? = nil) throws -> (process: Process, port: Int) {
        let litellm = try #require(executable, "litellm is not installed (.ci/run installs it)")
        let port = try NetworkServers.freePort()
        let path = harness.directory.appendingPathComponent("litellm.yaml").path
        try config.write(toFile: path, atomically: true, encoding: .utf8)
        let server = Process()
        server.executableURL = URL(fileURLWithPath: litellm)
        server.arguments = ["--config", path, "--host", "127.0.0.1", "--port", String(port)]
        server.environment = ProcessInfo.processInfo.environment.merging(["LITELLM_LOCAL_MODEL_COST_MAP": "True", "NO_PROXY": "*"]) { $1 }
        if let log {
            FileManager.default.createFile(atPath: log.path, contents: nil)
            let handle = try FileHandle(forWritingTo: log)
            server.standardOutput = handle
            server.standardError = handle
        } else {
            server.standardOutput = FileHandle.nullDevice
            server.standardError = FileHandle.nullDevice
        }
        try server.run()
        do {
            try NetworkServers.waitForListener(port, process: server, seconds: 90)
        } catch {
            kill(server.processIdentifier, SIGKILL)
            server.waitUntilExit()
            throw error
        }
        return (server, port)
    }

    /// LiteLLM's usage-based routing answers 429 without Retry-After past 120 a minute, while every
    /// answer's `x-ratelimit-remaining-requests` stays at 120. A 429 outranks that header: 300
    /// records at default settings are all saved, with at most one 429 per record, within 4 minutes.
    @Test func perMinuteLimitBehindAConstantRemainingHeader() async throws {
        let harness = try Harness()
        defer { harness.cleanUp() }
        let log = harness.directory.appendingPathComponent("litellm.log")
        let (server, port) = try Self.start(config: """
            model_list:
              - model_name: mock-gpt
                litellm_params:
                  model: openai/mock-gpt
                  api_key: sk-none
                  mock_response: "hello from the mock"
                  rpm: 120
            router_settings:
              routing_strategy: usage-based-routing
              enable_pre_call_checks: true
            """, in: harness, log: log)
        defer { kill(server.processIdentifier, SIGKILL); server.waitUntilExit() }
        try harness.writeInput(Harness.prompts(300))
        let started = Date()
        let run = try BinaryTests().fanout(["--requests_filepath", harness.inputPath, "--save_filepath", harness.savePath,
                                            "--endpoint", "http://127.0.0.1:\(port)/v1", "--model", "mock-gpt", "--no-tui"])
        let seconds = Date().timeIntervalSince(started)
        #expect(run.status == 0, "\(run.stderr.suffix(2000))")
        let saved = try Harness.read(harness.savePath)
        #expect(saved.count == 300 && Set(saved.compactMap { $0["id"]?.stringValue }).count == 300)
        #expect(saved.allSatisfy { $0["finish_reason"] == "stop" })
        let failed = FileManager.default.fileExists(atPath: harness.errorsPath) ? try Harness.read(harness.errorsPath) : []
        #expect(failed.isEmpty)
        let refusals = try String(contentsOf: log, encoding: .utf8).components(separatedBy: "\" 429").count - 1
        #expect(refusals <= 300, "\(refusals) 429s for 300 records")
        #expect(seconds <= 240, "\(seconds) s")
        #expect(run.stderr.contains("remaining distrusted"), "\(run.stderr.suffix(1000))")
    }
}
