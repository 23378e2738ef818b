import Engine
import Foundation
import MockLLM
import Testing
import TestSupport

/// Shards of one input with the real binary: the fleet's rate, and one report over all their files.
@Suite(.serialized, .tags(.integration)) struct FleetTests {
    /// Three shards under --fleet_rate 300 hold ~300/s together; `fanout report` over their six files
    /// in any order counts every record once and says it covers three runs.
    @Test func fleetRateAndOneReport() async throws {
        let harness = try Harness()
        defer { harness.cleanUp() }
        let server = try await MockServer.start(behavior: MockBehavior(latency: 0.005))
        try harness.writeInput(Harness.prompts(900))
        let directory = harness.directory.path
        var shards: [Process] = []
        for index in 0..<3 {
            shards.append(try BinaryTests.launch(["--requests_filepath", harness.inputPath, "--shard", "\(index)/3", "--fleet_rate", "300",
                                                  "--save_filepath", "\(directory)/\(index)_results.jsonl",
                                                  "--errors_filepath", "\(directory)/\(index)_errors.jsonl", "--endpoint", server.baseURL, "--no-tui"]))
        }
        try await Task.sleep(for: .seconds(2))
        let now = server.now
        let recent = server.arrivalTimes.filter { $0 > now - 1 && $0 <= now }.count
        #expect(recent >= 240 && recent <= 360, "\(recent) arrivals in the last second from three shards at --fleet_rate 300")
        for shard in shards { shard.waitUntilExit() }
        #expect(shards.allSatisfy { $0.terminationStatus == 0 })
        let files = (0..<3).flatMap { ["\(directory)/\($0)_errors.jsonl", "\(directory)/\($0)_results.jsonl"] }.reversed()
        let report = try BinaryTests().fanout(["report"] + files + ["--output", "\(directory)/fleet.html"])
        #expect(report.status == 0, "stderr: \(report.stderr)")
        let json = try JSONParser.parse(Array(try Data(contentsOf: URL(fileURLWithPath: "\(directory)/fleet.json"))))
        let saved = try (0..<3).reduce(0) { $0 + (try Harness.read("\(directory)/\($1)_results.jsonl").count) }
        #expect(saved == 900 && json["summary"]?["saved"]?.intValue == saved)
        #expect(json["meta"]?["runs"]?.intValue == 3)
        await server.stop()
    }

    /// Three shards with TCP controls and a token, attached as one fleet in tmux: the totals are the sum
    /// of their statuses; p stops arrivals from all three; three - from 300/s give ~154/s in total; a
    /// killed shard shows as unreachable within 2 s; q leaves the others running to the end; every id
    /// once across the shards.
    @Test func fleetAttachSteersEveryShard() async throws {
        let tmux = TmuxDashboardTests.Tmux()
        defer { tmux.kill() }
        let harness = try Harness()
        defer { harness.cleanUp() }
        let server = try await MockServer.start(behavior: MockBehavior(latency: 0.005))
        try harness.writeInput(Harness.prompts(6000))
        let directory = harness.directory.path
        let token = "fleet-\(UUID().uuidString)"
        var shards: [ControlTests.BackgroundRun] = []
        var addresses: [String] = []
        for index in 0..<3 {
            shards.append(try ControlTests.BackgroundRun.start(
                ["--requests_filepath", harness.inputPath, "--shard", "\(index)/3", "--fleet_rate", "300",
                 "--save_filepath", "\(directory)/\(index)_results.jsonl", "--errors_filepath", "\(directory)/\(index)_errors.jsonl",
                 "--endpoint", server.baseURL, "--control", "127.0.0.1:0", "--control_token_env", "FLEET_TOKEN"],
                harness: harness, environment: ["FLEET_TOKEN": token]))
        }
        for shard in shards {
            #expect(await ControlTests.waitFor(10) { FileManager.default.fileExists(atPath: shard.entryPath) }, "stderr: \(shard.errors)")
            let entry = try JSONParser.parse(Array(try Data(contentsOf: URL(fileURLWithPath: shard.entryPath))))
            addresses.append(try #require(entry["control"]?.stringValue))
        }
        let command = "FLEET_TOKEN='\(token)' '\(BinaryTests.binary.path)' attach \(addresses.joined(separator: " ")) --control_token_env FLEET_TOKEN; sleep 30"
        try tmux.run(["new-session", "-d", "-s", "dash", "-x", "130", "-y", "40", command])
        #expect(await ControlTests.waitFor(5) { ((try? tmux.screen()) ?? "").components(separatedBy: " running").count - 1 >= 3 })

        // The totals are the sum of the shards' own statuses.
        let clients = addresses.map { ControlClient(address: ControlAddress($0)!, token: BearerToken(token)) }
        try tmux.press("p")
        #expect(await ControlTests.waitFor(3) { ((try? tmux.screen()) ?? "").contains("PAUSED") })
        try await Task.sleep(for: .milliseconds(400))
        var statuses: [StatusDocument] = []
        for client in clients { statuses.append(try await client.status()) }
        #expect(statuses.allSatisfy { $0.state == "paused" })
        let saved = statuses.reduce(0) { $0 + $1.records.saved }
        #expect(await ControlTests.waitFor(3) { ((try? tmux.screen()) ?? "").contains("ok \(saved.formatted())") }, "screen: \((try? tmux.screen()) ?? "")")
        let pausedAt = server.arrivals
        try await Task.sleep(for: .seconds(1))
        #expect(server.arrivals == pausedAt, "arrivals went on while the fleet was paused")

        try tmux.press("p")
        #expect(await ControlTests.waitFor(3) { ((try? tmux.screen()) ?? "").contains("RUNNING") })
        // Three quick presses compound on what the previous one asked (300 × 0.8³ ≈ 154), not on
        // the figures a status round trip old.
        let pressed = server.now
        for _ in 0..<3 {
            try tmux.press("-")
            try await Task.sleep(for: .milliseconds(30))
        }
        #expect(await ControlTests.waitFor(3) { ((try? tmux.screen()) ?? "").contains("of 154/s limit") }, "screen: \((try? tmux.screen()) ?? "")")
        try await Task.sleep(for: .seconds(max(0, pressed + 2.6 - server.now)))
        let window = server.arrivalTimes.filter { $0 > pressed + 0.5 && $0 <= pressed + 2.5 }.count
        #expect(window >= 230 && window <= 390, "\(window) arrivals 0.5–2.5 s after three quick presses (154/s: 115–195/s)")

        kill(shards[1].process.processIdentifier, SIGKILL)
        #expect(await ControlTests.waitFor(2.5) { ((try? tmux.screen()) ?? "").contains("unreachable") })
        try tmux.press("q")
        #expect(await ControlTests.waitFor(3) { ((try? tmux.screen()) ?? "").contains("detached from the fleet") })
        #expect(shards[0].process.isRunning && shards[2].process.isRunning)
        for index in [0, 2] { #expect(await shards[index].waitForExit(90) == 0) }
        await server.stop()
        let ids = try [0, 2].flatMap { try Harness.read("\(directory)/\($0)_results.jsonl") + Harness.read("\(directory)/\($0)_errors.jsonl") }
            .compactMap { $0["id"]?.stringValue }
        #expect(Set(ids).count == ids.count, "an id twice across the shards")
    }
}

