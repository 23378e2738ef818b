import Engine
import Synchronization
import Testing
import TestSupport
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
        DashboardLoop(feed: EngineFeed(engine: engine, total: { 50 }), screen: screen, context: RenderContext(inputName: "in", saveName: "out"),
                      exitWhenDone: exitWhenDone, stopRequested: { false }, clock: clock)
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

    /// Attached: keys become commands to the feed, X then y stops the run, q detaches without a command.
    @Test func attachedKeys() async {
        let clock = ManualClock()
        let feed = RecordingFeed(Fixtures.busy())
        let screen = RecordingScreen(width: 120, height: 40)
        let dashboard = DashboardLoop(feed: feed, screen: screen, context: RenderContext(inputName: "in", saveName: "out"),
                                      exitWhenDone: false, stopRequested: { false }, clock: clock, attached: true)
        let ended = Mutex<DashboardLoop<ManualClock>.Ending?>(nil)
        Task { let ending = await dashboard.run(); ended.withLock { $0 = ending } }
        #expect(await clock.advance(by: .milliseconds(15)) { screen.lastText.contains("q detach") })
        screen.press(.character("p"))
        #expect(await clock.advance(by: .milliseconds(15)) { feed.commands == [.pause] })
        screen.press(.character("X"))
        #expect(await clock.advance(by: .milliseconds(15)) { screen.lastText.contains("stop the run? y stops it") })
        screen.press(.character("n"))
        #expect(await clock.advance(by: .milliseconds(15)) { screen.lastText.contains("the run goes on") })
        screen.press(.character("X"))
        screen.press(.character("y"))
        #expect(await clock.advance(by: .milliseconds(15)) { feed.commands == [.pause, .stop] })
        screen.press(.character("q"))
        #expect(await clock.advance(by: .milliseconds(15), until: { ended.withLock { $0 } != nil }, limit: .seconds(5)))
        #expect(ended.withLock { $0 } == .detached)
        #expect(feed.commands == [.pause, .stop])
    }
}

/// A feed with a fixed snapshot that records the commands it is given.
final class RecordingFeed: DashboardFeed {
    private let state: Mutex<(snapshot: StatsSnapshot, commands: [EngineCommand])>

    init(_ snapshot: StatsSnapshot) { state = Mutex((snapshot, [])) }

    var commands: [EngineCommand] { state.withLock { $0.commands } }

    func frame() async -> DashboardFrame { DashboardFrame(snapshot: state.withLock { $0.snapshot }) }

    func perform(_ command: EngineCommand) async -> String? {
        state.withLock { $0.commands.append(command) }
        return nil
    }
}
