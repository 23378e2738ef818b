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
}
