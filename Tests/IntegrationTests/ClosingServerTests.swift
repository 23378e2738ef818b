import Engine
import Foundation
import MockLLM
import Testing
import TestSupport

/// A server that closes its connection after every answer while saying keep-alive (llama.cpp's
/// does after streamed answers): no close is an error, and the endpoint gets a fresh connection per request.
@Suite(.serialized, .tags(.integration)) struct ClosingServerTests {
    /// Streamed and not, 200 records through 4 connections at a time: 0 errors, 0 retries, the
    /// endpoint never failing, and it is judged not to reuse connections.
    @Test(arguments: [false, true])
    func closesAreNotErrors(stream: Bool) async throws {
        let harness = try Harness()
        defer { harness.cleanUp() }
        var behavior = MockBehavior(latency: 0.01)
        behavior.closesAfterAnswer = true
        behavior.outputTokens = 8
        behavior.secondsPerToken = 0.001
        let server = try await MockServer.start(behavior: behavior)
        let outcome = try await harness.run(Harness.prompts(200), endpoints: [Harness.endpoint(server)], maxInFlight: 4) {
            $0.stream = stream
        }
        await server.stop()
        expectExactlyOnce(outcome, count: 200)
        let snapshot = outcome.result.snapshot
        #expect(outcome.saved.count == 200 && snapshot.failed == 0)
        #expect(snapshot.errorsByKind.isEmpty, "\(snapshot.errorsByKind)")
        #expect(snapshot.retries == 0 && snapshot.endpoints[0].errors == 0 && !snapshot.endpoints[0].isFailing)
        #expect(snapshot.endpoints[0].reusesConnections == false)
        #expect(server.arrivals == 200, "a request that met a closed connection never reached the server")
    }

    /// A server that keeps its connections is never judged otherwise.
    @Test func keptConnectionsStayReused() async throws {
        let harness = try Harness()
        defer { harness.cleanUp() }
        let server = try await MockServer.start(behavior: MockBehavior(latency: 0.005))
        let outcome = try await harness.run(Harness.prompts(200), endpoints: [Harness.endpoint(server)], maxInFlight: 4)
        await server.stop()
        #expect(outcome.saved.count == 200 && outcome.result.snapshot.endpoints[0].reusesConnections)
        #expect(outcome.result.snapshot.resends == 0)
    }
}
