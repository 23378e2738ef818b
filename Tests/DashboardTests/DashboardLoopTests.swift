import Engine
import TestSupport
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
    func engine(records: Int, rate: Double, clock: ManualClock) -> Engine {
        let items = (1...records).map { InputLine.classify(Array(#"{"input":"p\#($0)"}"#.utf8), line: $0, defaults: RequestDefaults()) }
        let endpoints = [EndpointConfiguration(name: "a", url: EndpointURL("http://a:1")!, weight: 1)]
        return Engine(configuration: EngineConfiguration(endpoints: endpoints, rate: rate), source: InMemoryRequestSource(items),
                      transport: InstantTransport(), sink: InMemoryResultSink(), clock: clock)
    }

    func loop(_ engine: Engine, screen: RecordingScreen, exitWhenDone: Bool, clock: ManualClock) -> DashboardLoop<ManualClock> {
        DashboardLoop(engine: engine, screen: screen, context: RenderContext(inputName: "in", saveName: "out"),
                      exitWhenDone: exitWhenDone, totalLines: { 50 }, stopRequested: { false }, clock: clock)
    }

    /// With --exit-when-done the loop draws frames until the run is done, then ends by itself.
    @Test func exitsWhenDone() async {
        let clock = ManualClock()
        let engine = engine(records: 50, rate: 0, clock: clock)
        let screen = RecordingScreen(width: 80, height: 24)
        let running = Task { await engine.run() }
        let dashboard = loop(engine, screen: screen, exitWhenDone: true, clock: clock)
        let ending = Task { await dashboard.run() }
        #expect(await clock.advance(by: .milliseconds(15)) { screen.lastText.contains("DONE") })
        #expect(await ending.value == .finished)
        #expect(await running.value.snapshot.succeeded == 50)
        #expect(screen.frames.allSatisfy { $0.count == 24 })
    }

    /// Keys reach the engine: p pauses (the screen says PAUSED), q stops and the loop ends once drained.
    @Test func keysSteerTheEngine() async {
        let clock = ManualClock()
        let engine = engine(records: 100_000, rate: 100, clock: clock)
        let screen = RecordingScreen(width: 120, height: 40)
        let running = Task { await engine.run() }
        let dashboard = loop(engine, screen: screen, exitWhenDone: false, clock: clock)
        let ending = Task { await dashboard.run() }
        #expect(await clock.advance(by: .milliseconds(15)) { await engine.snapshot().succeeded > 10 })
        screen.press(.character("p"))
        #expect(await clock.advance(by: .milliseconds(15)) { screen.lastText.contains("PAUSED") })
        #expect(await engine.snapshot().state == .paused)
        screen.press(.character("q"))
        #expect(await clock.advance(by: .milliseconds(15)) { screen.lastText.contains("DONE") })
        #expect(await ending.value == .finished)
        let result = await running.value
        #expect(result.wasStopped && result.snapshot.succeeded < 100_000)
    }
}
