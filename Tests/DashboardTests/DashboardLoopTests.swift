import Engine
import Testing
@testable import Dashboard

/// A transport that answers every request at once with a fixed completion.
final class InstantTransport: AsyncTransport {
    let tasks = TransportTasks()
    func exchange(_ request: TransportRequest) async -> Result<TransportResponse, EngineError> {
        .success(TransportResponse(status: 200, body: Array(#"{"choices":[{"message":{"content":"ok"}}]}"#.utf8)))
    }

    func shutdown() async {}
}

@Suite struct DashboardLoopTests {
    func engine(records: Int, rate: Double) -> Engine {
        let items = (1...records).map { InputLine.classify(Array(#"{"input":"p\#($0)"}"#.utf8), line: $0, defaults: RequestDefaults()) }
        let endpoints = [EndpointConfiguration(name: "a", url: EndpointURL("http://a:1")!, weight: 1)]
        return Engine(configuration: EngineConfiguration(endpoints: endpoints, rate: rate), source: InMemoryRequestSource(items),
                      transport: InstantTransport(), sink: InMemoryResultSink())
    }

    /// With --exit-when-done the loop draws frames until the run is done, then ends by itself.
    @Test func exitsWhenDone() async {
        let engine = engine(records: 50, rate: 0)
        let screen = RecordingScreen(width: 80, height: 24)
        let running = Task { await engine.run() }
        let ending = await DashboardLoop(engine: engine, screen: screen, context: RenderContext(inputName: "in", saveName: "out"),
                                         exitWhenDone: true, totalLines: { 50 }, stopRequested: { false }).run()
        #expect(ending == .finished)
        #expect(await running.value.snapshot.succeeded == 50)
        #expect(screen.lastText.contains("DONE"))
        #expect(screen.frames.allSatisfy { $0.count == 24 })
    }

    /// Keys reach the engine: p pauses (the header says PAUSED), q stops and the loop ends once drained.
    @Test func keysSteerTheEngine() async throws {
        let engine = engine(records: 100_000, rate: 100)
        let screen = RecordingScreen(width: 120, height: 40)
        let running = Task { await engine.run() }
        let loop = Task {
            await DashboardLoop(engine: engine, screen: screen, context: RenderContext(inputName: "in", saveName: "out"),
                                exitWhenDone: false, totalLines: { nil }, stopRequested: { false }).run()
        }
        try await Task.sleep(for: .milliseconds(300))
        screen.press(.character("p"))
        var state = await engine.snapshot().state
        for _ in 0..<100 where state != .paused {
            try await Task.sleep(for: .milliseconds(50))
            state = await engine.snapshot().state
        }
        #expect(state == .paused)
        // The screen, not the engine, must say so: the next frame after the key draws PAUSED.
        for _ in 0..<100 where !screen.lastText.contains("PAUSED") { try await Task.sleep(for: .milliseconds(20)) }
        #expect(screen.lastText.contains("PAUSED"))
        screen.press(.character("q"))
        #expect(await loop.value == .finished)
        let result = await running.value
        #expect(result.wasStopped && result.snapshot.succeeded < 100_000)
    }
}
