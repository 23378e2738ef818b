import Engine
import Foundation
import MockLLM
import Testing
import TestSupport

/// The servers' own metrics pages, read by the release binary over real sockets.
@Suite(.serialized, .tags(.integration)) struct ServerMetricsScrapeTests {
    /// A server of 3 places serving vLLM's gauges: `--max_in_flight auto` settles on 3 (within [3, 4]
    /// once the first reports are in), `/v1/status` shows its running, waiting and KV share, and
    /// fanout's own `/metrics` repeats them.
    @Test func autoSettlesOnAVLLMServersPlaces() async throws {
        let harness = try Harness()
        defer { harness.cleanUp() }
        var behavior = MockBehavior(latency: 0.15, capacity: 3)
        behavior.servesMetrics = true
        let server = try await MockServer.start(behavior: behavior)
        try harness.writeInput(Harness.prompts(120))
        let metricsPort = try NetworkServers.freePort()
        let run = try ControlTests.BackgroundRun.start([
            "--requests_filepath", harness.inputPath, "--save_filepath", harness.savePath, "--endpoint", server.baseURL,
            "--max_in_flight", "auto", "--max_requests_per_second", "0", "--metrics_port", String(metricsPort),
        ], harness: harness)
        #expect(await ControlTests.waitFor(10) { FileManager.default.fileExists(atPath: run.entryPath) })
        var caps: [Int] = [], running: [Double] = [], kv: [Double] = []
        var exposition = ""
        while run.process.isRunning {
            try await Task.sleep(for: .milliseconds(300))
            guard let status = try? JSONParser.parse(ControlTests.curl(["--unix-socket", run.socketPath, "http://fanout/v1/status"])),
                  let endpoint = status["endpoints"]?[0], let load = endpoint["server"], load != .null else { continue }
            if (status["elapsed_s"]?.doubleValue ?? 0) >= 3, let cap = endpoint["cap"]?.intValue { caps.append(cap) }
            running.append(load["running"]?.doubleValue ?? -1)
            kv.append(load["kv_cache_usage"]?.doubleValue ?? -1)
            #expect(load["waiting"]?.doubleValue != nil && load["scraped_at"]?.doubleValue != nil)
            if exposition.isEmpty, let page = try? MetricsServerTests.get(port: metricsPort, path: "/metrics").body,
               page.contains("fanout_server_requests_running") { exposition = page }
        }
        #expect(await run.waitForExit() == 0, "\(run.errors)")
        await server.stop()
        #expect(caps.count >= 3 && caps.allSatisfy { (3...4).contains($0) }, "caps \(caps)")
        #expect(running.allSatisfy { (0...3).contains($0) } && running.contains(3), "running \(running)")
        #expect(kv.allSatisfy { (0...1).contains($0) }, "kv \(kv)")
        #expect(exposition.contains("fanout_server_requests_waiting{endpoint=") && exposition.contains("fanout_server_kv_cache_usage{endpoint="))
    }

    /// A page that answers garbage (JSON, HTML), a server with no metrics page (guessed, dropped
    /// without a word) and a named page that refuses connections cost nothing but the figures: every
    /// record is answered, the status's `server` is null, nothing is logged as an error.
    @Test func garbageAndAbsentPagesCostNothing() async throws {
        let harness = try Harness()
        defer { harness.cleanUp() }
        let plain = try await MockServer.start(behavior: MockBehavior(latency: 0.02))
        let closedPort = try NetworkServers.freePort()
        let endpoints = harness.directory.appendingPathComponent("endpoints.yaml").path
        try """
        - name: garbage
          url: \(plain.baseURL)
          metrics_url: \(plain.baseURL.replacingOccurrences(of: "/v1", with: ""))/mock/stats
        - name: guessed
          url: \(plain.baseURL)
        - name: refused
          url: \(plain.baseURL)
          metrics_url: http://127.0.0.1:\(closedPort)/metrics
        """.write(toFile: endpoints, atomically: true, encoding: .utf8)
        try harness.writeInput(Harness.prompts(200))
        let log = harness.directory.appendingPathComponent("fanout.log").path
        let run = try ControlTests.BackgroundRun.start([
            "--requests_filepath", harness.inputPath, "--save_filepath", harness.savePath, "--endpoints", endpoints,
            "--max_requests_per_second", "50", "--log_level", "info", "--log_file", log,
        ], harness: harness)
        #expect(await ControlTests.waitFor(10) { FileManager.default.fileExists(atPath: run.entryPath) })
        try await Task.sleep(for: .seconds(2.5))
        let status = try #require(try JSONParser.parse(ControlTests.curl(["--unix-socket", run.socketPath, "http://fanout/v1/status"])))
        guard case .array(let items)? = status["endpoints"] else { Issue.record("no endpoints"); return }
        #expect(items.count == 3 && items.allSatisfy { $0["server"] == .null || $0["server"] == nil }, "\(items.map { $0["server"] })")
        #expect(await run.waitForExit() == 0, "\(run.errors)")
        await plain.stop()
        #expect(try Harness.read(harness.savePath).count == 200)
        let logged = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
        #expect(!logged.contains("error") || !logged.lowercased().contains("metrics"), "\(logged)")
    }
}
