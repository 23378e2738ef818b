import Engine
import Foundation
import MockLLM
import Testing
import TestSupport

/// Endpoint faults and bad input, each checked for exactly-once accounting.
@Suite(.serialized, .tags(.integration)) struct FaultTests {
    /// A 5xx storm on one endpoint ejects it; the healthy one serves everything.
    @Test func serverErrorStormEjects() async throws {
        let harness = try Harness()
        defer { harness.cleanUp() }
        let sick = try await MockServer.start(behavior: MockBehavior(errorRate: 1))
        let healthy = try await MockServer.start()
        let outcome = try await harness.run(Harness.prompts(1000), endpoints: [Harness.endpoint(sick), Harness.endpoint(healthy)],
                                            rate: 2000, maxAttempts: 5)
        await sick.stop(); await healthy.stop()
        expectExactlyOnce(outcome, count: 1000)
        #expect(outcome.saved.count == 1000)
        #expect(sick.arrivals < 60, "the sick endpoint got \(sick.arrivals) requests")
    }

    /// An endpoint killed mid-run: its requests in flight fail over to the other endpoint.
    @Test func endpointKilledMidRun() async throws {
        let harness = try Harness()
        defer { harness.cleanUp() }
        let doomed = try await MockServer.start(behavior: MockBehavior(latency: 0.05))
        let survivor = try await MockServer.start(behavior: MockBehavior(latency: 0.01))
        let killer = Task {
            try await Task.sleep(for: .milliseconds(400))
            await doomed.stop()
        }
        let outcome = try await harness.run(Harness.prompts(1500), endpoints: [Harness.endpoint(doomed), Harness.endpoint(survivor)], rate: 1500)
        _ = try await killer.value
        await survivor.stop()
        expectExactlyOnce(outcome, count: 1500)
        #expect(outcome.saved.count == 1500)
        #expect(doomed.arrivals > 0)
    }

    /// Answers cut mid-body (connection reset) are retried on the other endpoint; every record is saved once.
    @Test(arguments: Harness.Client.allCases)
    func resetMidBody(client: Harness.Client) async throws {
        let harness = try Harness()
        defer { harness.cleanUp() }
        let cutting = try await MockServer.start(behavior: MockBehavior(resetMidBody: true))
        let healthy = try await MockServer.start()
        let outcome = try await harness.run(Harness.prompts(100), endpoints: [Harness.endpoint(cutting), Harness.endpoint(healthy)],
                                            maxAttempts: 3, client: client)
        await cutting.stop(); await healthy.stop()
        expectExactlyOnce(outcome, count: 100)
        #expect(outcome.saved.count == 100)
        #expect(cutting.arrivals > 0)
        #expect(outcome.result.snapshot.errorsByKind[.connection, default: 0] > 0)
    }

    /// A body over --max_response_bytes fails the attempt (no unbounded memory) and is not retried.
    @Test func oversizedAnswer() async throws {
        let harness = try Harness()
        defer { harness.cleanUp() }
        let server = try await MockServer.start(behavior: MockBehavior(padding: 200_000))
        try harness.writeInput(Harness.prompts(3))
        let run = try BinaryTests().fanout(["--requests_filepath", harness.inputPath, "--save_filepath", harness.savePath,
                                            "--endpoint", server.baseURL, "--max_response_bytes", "65536", "--no-tui"])
        await server.stop()
        #expect(run.status == 1)
        let errors = try Harness.read(harness.errorsPath)
        #expect(errors.count == 3 && errors.allSatisfy { $0["error"]?.stringValue?.contains("larger than 65536") == true })
        #expect(server.arrivals == 3)
    }

    /// A 429 storm with Retry-After: 1 cools the endpoint and the run still completes.
    @Test func rateLimitStorm() async throws {
        let harness = try Harness()
        defer { harness.cleanUp() }
        let server = try await MockServer.start(behavior: MockBehavior(failFirst: 1, failStatus: 429, retryAfter: "1"))
        let outcome = try await harness.run(Harness.prompts(50), endpoints: [Harness.endpoint(server)])
        await server.stop()
        expectExactlyOnce(outcome, count: 50)
        #expect(outcome.saved.count == 50)
        #expect(outcome.seconds >= 1)
    }

    /// A hanging endpoint and a stop: after the drain timeout the run ends and nothing in flight is written.
    @Test func drainTimeoutAbandons() async throws {
        let harness = try Harness()
        defer { harness.cleanUp() }
        let server = try await MockServer.start(behavior: MockBehavior(hang: true))
        try harness.writeInput(Harness.prompts(20))
        var configuration = EngineConfiguration(endpoints: [Harness.endpoint(server)], rate: 0, maxInFlight: 8)
        configuration.drainTimeout = 0.5
        let engine = Engine(configuration: configuration,
                            source: try JSONLFileSource(path: harness.inputPath, defaults: RequestDefaults()),
                            transport: try NIOHTTPTransport(endpoints: configuration.endpoints, connectionsPerEndpoint: 8, connectTimeout: 2),
                            sink: try JSONLFileSink(savePath: harness.savePath, errorsPath: harness.errorsPath))
        let run = Task { await engine.run() }
        try await Task.sleep(for: .milliseconds(300))
        let clock = ContinuousClock()
        let stopped = clock.now
        engine.stop()
        let result = await run.value
        await server.stop()
        #expect(stopped.duration(to: clock.now) < .seconds(3))
        #expect(result.abandoned == 8 && result.wasStopped)
        #expect(try Harness.read(harness.savePath).isEmpty && Harness.read(harness.errorsPath).isEmpty)
    }

    /// A 10 MB line of garbage, blank lines and an empty file: error records or nothing, never a crash.
    @Test func badInputShapes() async throws {
        let harness = try Harness()
        defer { harness.cleanUp() }
        let server = try await MockServer.start()
        let huge = "{\"input\": \"" + String(repeating: "x", count: 10_000_000)
        let outcome = try await harness.run([#"{"input":"a"}"#, huge, "   ", #"{"input":"b"}"#], endpoints: [Harness.endpoint(server)])
        #expect(outcome.saved.count == 2)
        #expect(outcome.errors.first?["line"] == 2)
        #expect((outcome.errors.first?["input"]?.stringValue?.count ?? 0) < 100_000)
        let other = try Harness()
        defer { other.cleanUp() }
        let empty = try await other.run([], endpoints: [Harness.endpoint(server)])
        await server.stop()
        #expect(empty.saved.isEmpty && empty.errors.isEmpty && !empty.result.wasStopped)
    }

    /// Three shards of one file: together every id exactly once, no id in two shards.
    @Test func shardsSplitAFile() async throws {
        let server = try await MockServer.start()
        var seen: [String] = []
        for index in 0..<3 {
            let harness = try Harness()
            defer { harness.cleanUp() }
            let lines = Harness.prompts(900) + ["{bad"]
            let outcome = try await harness.run(lines, endpoints: [Harness.endpoint(server)], shard: Shard(index: index, count: 3))
            seen += outcome.allIDs
        }
        await server.stop()
        #expect(seen.count == 901 && Set(seen) == Set((1...901).map(String.init)))
        #expect(server.arrivals == 900)
    }
}
