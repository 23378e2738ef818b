import Engine
import Foundation
import Testing
import TestSupport
@testable import fanout

@Suite struct SummaryReportTests {
    /// The progress line names failed records apart from failed attempts, and says which endpoints are
    /// usable and what the others wait for (a long Retry-After in minutes).
    @Test func progressLineNamesFailuresAndWaits() {
        var snapshot = Fixtures.busy()
        var ejected = Fixtures.endpoint("gpu-b", url: "http://10.0.0.6:8000/v1", weight: 1, state: .ejected(seconds: 4), errors: 3)
        ejected.lastError = "connection failed: connection refused"
        snapshot.endpoints = [
            Fixtures.endpoint("gpu-a", url: "http://10.0.0.5:8000/v1", weight: 1, state: .cooling(seconds: 3540, reason: .tooManyRequests), errors: 2),
            ejected,
        ]
        let line = SummaryReport.progressLine(snapshot, total: 1_000_000)
        #expect(line.contains(" · failed 716 · attempt errors 5 · "), "\(line)")
        #expect(line.hasSuffix("endpoints 0/2 usable (waiting 59m for gpu-a (429); gpu-b ejected 4.0s: connection failed: connection refused)"), "\(line)")
    }

    /// Answers per second and sends per second are told apart; the servers' queue and a client that
    /// With a fleet store the progress line says the fleet, its rate and this shard's pace, or that it goes on alone.
    @Test func progressLineSaysTheFleet() {
        var snapshot = Fixtures.busy()
        snapshot.control.fleetStore = FleetStoreFigures(url: "redis://h:6379", fleet: "f", shards: 3, connected: true, since: 0, share: 9.8, fleetRate: 30)
        #expect(SummaryReport.progressLine(snapshot, total: nil).contains("fleet 3 shards, 30/s, this shard 9.8/s"))
        snapshot.control.fleetStore?.connected = false
        snapshot.control.fleetStore?.share = 10
        #expect(SummaryReport.progressLine(snapshot, total: nil).contains("fleet store lost: alone at 10/s (30/s ÷ 3)"))
    }

    /// is the bottleneck are said.
    @Test func progressLineSaysWhatItCounts() {
        var snapshot = Fixtures.busy()
        snapshot.endpoints[0].control.server = ServerLoad(running: 4, waiting: 1, scrapedAt: 1)
        snapshot.endpoints[1].control.server = ServerLoad(running: 2, waiting: 0, scrapedAt: 1)
        snapshot.control.client = ClientLoad(cpuPercent: 96, loopLagP99Ms: 31)
        let line = SummaryReport.progressLine(snapshot, total: 1_000_000)
        #expect(line.contains(" · 1,000 answers/s · sends 2,004/s · in flight 1,187 · "), "\(line)")
        #expect(line.contains(" · server run 6 wait 1"), "\(line)")
        #expect(line.contains("the client is the bottleneck: its figures include its own delay (cpu 96%, lag p99 31ms)"), "\(line)")
        snapshot.control.client = ClientLoad(cpuPercent: 10, loopLagP99Ms: 1)
        #expect(!SummaryReport.progressLine(snapshot, total: nil).contains("bottleneck"))
    }

    /// A usable endpoint that has only failed since its last answer is named with its last error.
    @Test func progressLineNamesFailingEndpoints() {
        var snapshot = Fixtures.busy()
        var failing = Fixtures.endpoint("api", url: "https://api.openai.com/v1", weight: 1, errors: 4)
        failing.isFailing = true
        failing.lastError = "connection failed: cannot resolve the host name api.openai.com (DNS)"
        snapshot.endpoints = [failing]
        #expect(SummaryReport.progressLine(snapshot, total: nil)
            .hasSuffix("endpoints 1/1 usable (api failing: connection failed: cannot resolve the host name api.openai.com (DNS))"))
    }

    /// The summary counts what reached the files when a write failed, and names the first bad line.
    @Test func summaryCountsWrittenLines() {
        var snapshot = Fixtures.busy(state: .done)
        snapshot.firstBadLine = "line 1: not valid JSON; the file looks like CSV"
        let lines = SummaryReport.summary(snapshot, savePath: "out.jsonl", errorsPath: "errors.jsonl", stopped: true,
                                          written: WrittenLines(saved: 263_000, failed: 716))
        #expect(lines[0].contains("263,716 records, 263,000 saved, 716 failed"))
        #expect(lines.contains("  not written: 402 finished records never reached the files (the write failed); a rerun sends them again"))
        #expect(lines.contains("  first bad line: line 1: not valid JSON; the file looks like CSV"))
    }

    /// The demo's temporary directory path has no doubled slash.
    @Test func demoDirectoryPath() throws {
        let path = try DemoCommand.makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: path) }
        #expect(!path.contains("//") && path.contains("/fanout-demo-"))
    }

    /// Help that names the page with the options, and mock-server's default port in its help.
    @Test func helpPointers() {
        #expect(FanoutCommand.helpCommand(["validate", "--x"]) == "fanout validate --help")
        #expect(FanoutCommand.helpCommand(["--requests_filepath", "a"]) == "fanout run --help")
        #expect(MockServerCommand.helpMessage().contains("default 8001"))
    }

    /// A streamed run's summary adds goodput against the targets, the run's TTFT/ITL/TPOT and a line
    /// per endpoint with its streamed figures and good share.
    @Test func tokenLines() {
        let lines = SummaryReport.tokenLines(Fixtures.streaming()).joined(separator: "\n")
        #expect(lines.contains("goodput: 3,526 of 4,326 records (81.5%) met ttft ≤ 500ms, tpot ≤ 50ms"))
        #expect(lines.contains("streamed 4,326 answers: TTFT p50 "))
        #expect(lines.contains("  endpoint streamed  TTFT p50  TTFT p99   ITL p50  TPOT p50   tok out     tok/s     good\n  gpu-a       1,926     198ms"))
        #expect(lines.contains("  hosted        800     715ms"))
        #expect(SummaryReport.tokenLines(Fixtures.busy()).isEmpty)
    }
}
