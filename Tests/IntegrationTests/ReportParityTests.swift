import Engine
import Foundation
import MockLLM
import Testing
import TestSupport

/// The run's own report and `fanout report` over the same files count the same.
@Suite(.serialized, .tags(.integration)) struct ReportParityTests {
    /// Records retried across two endpoints that answer 500 about a third of the time (one of them
    /// closing its connection after every answer, the other refusing `stream_options`, so some sends
    /// are resends), some failing for good: records,
    /// saved, failed, attempts, retries, resends, errors by kind and each endpoint's sent, ok, errors,
    /// retries, resends and failed records agree.
    @Test func runReportAndRebuiltReportAgree() async throws {
        let harness = try Harness()
        defer { harness.cleanUp() }
        var failingBehavior = MockBehavior(latency: 0.005, errorRate: 0.35)
        failingBehavior.refusesStreamOptions = true
        let failing = try await MockServer.start(behavior: failingBehavior)
        var closingBehavior = MockBehavior(latency: 0.005)
        closingBehavior.closesAfterAnswer = true
        closingBehavior.errorRate = 0.3
        let closing = try await MockServer.start(behavior: closingBehavior)
        try harness.writeInput(Harness.prompts(400))
        let report = harness.directory.appendingPathComponent("run.html").path
        let run = try BinaryTests().fanout(["--requests_filepath", harness.inputPath, "--save_filepath", harness.savePath,
                                            "--errors_filepath", harness.errorsPath, "--endpoint", failing.baseURL + "@3", "--endpoint", closing.baseURL,
                                            "--max_attempts", "2", "--max_requests_per_second", "0", "--stream", "--max_in_flight", "8",
                                            "--report", report, "--no-tui"])
        await failing.stop()
        await closing.stop()
        #expect(run.status == 0 || run.status == 1, "\(run.stderr)")
        let rebuilt = harness.directory.appendingPathComponent("rebuilt.html").path
        let rebuild = try BinaryTests().fanout(["report", harness.savePath, harness.errorsPath, "--output", rebuilt])
        #expect(rebuild.status == 0, "\(rebuild.stderr)")
        func json(_ path: String) throws -> JSONValue {
            try #require(try JSONParser.parse(Array(try Data(contentsOf: URL(fileURLWithPath: path.replacingOccurrences(of: ".html", with: ".json"))))))
        }
        let own = try json(report), files = try json(rebuilt)
        for key in ["records", "saved", "failed", "attempts", "retries", "resends", "errors_by_kind"] {
            #expect(own["summary"]?[key] == files["summary"]?[key], "summary.\(key): run \(String(describing: own["summary"]?[key])) files \(String(describing: files["summary"]?[key]))")
        }
        // The run did meet what the test is about: retries, final failures and resends.
        #expect((own["summary"]?["retries"]?.intValue ?? 0) > 20 && (own["summary"]?["failed"]?.intValue ?? 0) > 5)
        #expect((own["summary"]?["resends"]?.intValue ?? 0) > 0, "\(String(describing: own["summary"]))")
        func byName(_ document: JSONValue) -> [String: JSONValue] {
            guard case .array(let items)? = document["endpoints"] else { return [:] }
            return Dictionary(items.compactMap { item in item["name"]?.stringValue.map { ($0, item) } }, uniquingKeysWith: { first, _ in first })
        }
        let ownEndpoints = byName(own), fileEndpoints = byName(files)
        #expect(ownEndpoints.count == 2 && Set(ownEndpoints.keys) == Set(fileEndpoints.keys))
        for (name, endpoint) in ownEndpoints {
            for key in ["sent", "ok", "errors", "retries", "resends", "failed_records"] {
                #expect(endpoint[key] == fileEndpoints[name]?[key], "\(name).\(key): run \(String(describing: endpoint[key])) files \(String(describing: fileEndpoints[name]?[key]))")
            }
        }
    }
}
