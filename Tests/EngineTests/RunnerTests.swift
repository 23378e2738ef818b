import Testing
import TestSupport
@testable import Engine

@Suite struct RunnerTests {
    func endpoints(_ count: Int) -> [EndpointConfiguration] {
        (0..<count).map { EndpointConfiguration(name: "e\($0)", url: EndpointURL("http://h:\($0 + 1)/v1")!, weight: 1) }
    }

    func source(_ count: Int, bad: Set<Int> = []) -> InMemoryRequestSource {
        InMemoryRequestSource((1...count).map { line in
            bad.contains(line) ? InputLine.classify(Array("{oops".utf8), line: line, defaults: RequestDefaults())
                : InputLine.classify(Array(#"{"input":"p\#(line)"}"#.utf8), line: line, defaults: RequestDefaults())
        })
    }

    func ids(_ lines: [JSONValue]) -> [String] { lines.compactMap { $0["id"]?.stringValue } }

    /// Every record ends exactly once in one of the two outputs, through retries, failures and bad lines.
    @Test func accountsForEveryRecordOnce() async {
        let transport = FakeTransport { endpoint, seen in
            if endpoint == 1 && seen == 1 { return FakeTransport.status(500) }
            if endpoint == 2 { return FakeTransport.status(400) }
            return FakeTransport.ok()
        }
        let sink = InMemoryResultSink()
        var configuration = EngineConfiguration(endpoints: endpoints(3), rate: 0, maxInFlight: 16,
                                                retryPolicy: RetryPolicy(maxAttempts: 3, base: 0.001, cap: 0.002))
        configuration.seed = 1
        let engine = Engine(configuration: configuration, source: source(300, bad: [5, 77]), transport: transport, sink: sink)
        let result = await engine.run()
        let all = ids(sink.successes) + ids(sink.failures)
        #expect(all.count == 300)
        #expect(Set(all) == Set((1...300).map(String.init)))
        #expect(sink.isClosed)
        #expect(result.snapshot.failed == sink.failures.count)
        #expect(result.snapshot.badLines == 2)
        #expect(sink.failures.contains { $0["status"] == 400 && $0["attempts"] == 1 })
        #expect(!result.wasStopped)
    }

    /// Pause stops new sends; resume continues; stop ends the run after in-flight requests finish
    /// (on a manual clock: the rate limiter's timers move only when the test moves time).
    @Test func pauseResumeStop() async {
        let clock = ManualClock()
        let transport = FakeTransport { _, _ in FakeTransport.ok() }
        let sink = InMemoryResultSink()
        let configuration = EngineConfiguration(endpoints: endpoints(1), rate: 200, maxInFlight: 4, retryPolicy: RetryPolicy(maxAttempts: 1))
        let engine = Engine(configuration: configuration, source: source(10_000), transport: transport, sink: sink, clock: clock)
        let run = Task { await engine.run() }
        #expect(await clock.advance(by: .milliseconds(5)) { await engine.snapshot().sent >= 40 })
        await engine.perform(.pause)
        let paused = await engine.snapshot().sent
        _ = await clock.advance(by: .milliseconds(5), until: { false }, limit: .milliseconds(300))
        #expect(await engine.snapshot().sent == paused)
        #expect(await engine.snapshot().state == .paused)
        await engine.perform(.resume)
        #expect(await clock.advance(by: .milliseconds(5)) { await engine.snapshot().sent > paused + 20 })
        engine.stop()
        let result = await run.value
        #expect(result.wasStopped)
        #expect(sink.successes.count == transport.callCount)
    }

    /// perform() returns once the change shows in the snapshot, so quick successive changes compound;
    /// after the run it returns at once.
    @Test func performIsAcknowledged() async {
        let transport = FakeTransport { _, _ in FakeTransport.ok() }
        let configuration = EngineConfiguration(endpoints: endpoints(2), rate: 400, maxInFlight: 8, retryPolicy: RetryPolicy(maxAttempts: 1))
        let engine = Engine(configuration: configuration, source: source(100_000), transport: transport, sink: InMemoryResultSink(),
                            clock: ManualClock())
        let run = Task { await engine.run() }
        await engine.perform(.setRate(320))
        #expect(await engine.snapshot().targetRate == 320)
        await engine.perform(.setRate(256))
        await engine.perform(.setWeight(endpoint: 1, weight: 0))
        let snapshot = await engine.snapshot()
        #expect(snapshot.targetRate == 256 && snapshot.endpoints[1].state == .drained)
        await engine.perform(.stop)
        _ = await run.value
        await engine.perform(.pause)
    }

    /// The body sent carries the endpoint's model and the key header; the key never reaches the outputs.
    @Test func requestCarriesEndpointSettings() {
        var endpoint = EndpointConfiguration(name: "x", url: EndpointURL("http://h:1/v1")!, weight: 1, apiKey: "sk-very-secret-key", model: "served")
        endpoint.headers = [HeaderField("x-org", "o")]
        let record = RequestRecord(id: "1", line: 1, form: .seed, input: "p", body: .object([JSONField("model", "asked")]))
        let request = TransportRequest(for: Dispatch(attempt: Attempt(record: record, number: 1, previousEndpoint: nil), endpoint: 0), body: record.body,
                                       configuration: EngineConfiguration(endpoints: [endpoint], timeout: 3))
        #expect(String(decoding: request.body, as: UTF8.self) == #"{"model":"served"}"#)
        #expect(request.path == "/v1/chat/completions" && request.timeout == 3)
        #expect(request.headers.contains(HeaderField("authorization", "Bearer sk-very-secret-key")))
    }
}
