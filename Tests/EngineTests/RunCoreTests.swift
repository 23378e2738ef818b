import Testing
@testable import Engine

/// The run core on chosen times: no sockets, no files, no sleeps.
@Suite struct RunCoreTests {
    struct Drive {
        var core: RunCore
        var actions: [RunCore.Action] = []

        init(rate: Double = 0, maxInFlight: Int = 4, drainTimeout: Double = 30, endpoints: Int = 1) {
            var configuration = EngineConfiguration(
                endpoints: (0..<endpoints).map { EndpointConfiguration(name: "e\($0)", url: EndpointURL("http://h:\($0 + 1)")!) },
                rate: rate, maxInFlight: maxInFlight, retryPolicy: RetryPolicy(maxAttempts: 2))
            configuration.drainTimeout = drainTimeout
            core = RunCore(configuration: configuration, seed: 1)
        }

        /// The actions the event led to.
        mutating func on(_ event: RunCore.Event, at now: Double) -> [RunCore.Action] {
            actions.removeAll()
            core.handle(event, now: now, into: &actions)
            return actions
        }

        mutating func start() -> [RunCore.Action] {
            actions.removeAll()
            core.start(now: 0, into: &actions)
            return actions
        }
    }

    static func items(_ texts: [String], from line: Int = 1) -> [SourceItem] {
        texts.enumerated().map { InputLine.classify(Array($0.element.utf8), line: line + $0.offset, defaults: RequestDefaults()) }
    }

    static func sends(_ actions: [RunCore.Action]) -> [Dispatch] {
        actions.compactMap { if case .send(let dispatch, _) = $0 { dispatch } else { nil } }
    }

    static func writes(_ actions: [RunCore.Action]) -> [(JSONValue, Bool)] {
        actions.compactMap { if case .write(let line, let success) = $0 { (line, success) } else { nil } }
    }

    static func contains(_ actions: [RunCore.Action], _ matches: (RunCore.Action) -> Bool) -> Bool { actions.contains(where: matches) }

    /// It asks for input first, sends in file order up to the in-flight cap, writes each answer, and
    /// finishes once the input is over and nothing is in flight.
    @Test func sendsInOrderWritesAndFinishes() {
        var drive = Drive(maxInFlight: 2)
        #expect(Self.contains(drive.start()) { if case .askForInput = $0 { true } else { false } })
        let sent = Self.sends(drive.on(.itemsRead(Self.items([#"{"input":"a"}"#, #"{"input":"b"}"#, #"{"input":"c"}"#])), at: 0.1))
        #expect(sent.map(\.attempt.record.id) == ["1", "2"])
        var actions = drive.on(.attemptCompleted(sent[0], .success(ParsedAnswer(response: "A")), limits: nil, sentAt: 0.1, finishedAt: 0.3), at: 0.3)
        #expect(Self.writes(actions).map(\.1) == [true] && Self.writes(actions).first?.0["response"] == "A")
        #expect(Self.sends(actions).map(\.attempt.record.id) == ["3"])
        _ = drive.on(.itemsRead([]), at: 0.4)
        _ = drive.on(.attemptCompleted(sent[1], .success(ParsedAnswer(response: "B")), limits: nil, sentAt: 0.1, finishedAt: 0.5), at: 0.5)
        #expect(!drive.core.isFinished)
        let third = Self.sends(actions)[0]
        actions = drive.on(.attemptCompleted(third, .success(ParsedAnswer(response: "C")), limits: nil, sentAt: 0.3, finishedAt: 0.6), at: 0.6)
        #expect(Self.contains(actions) { if case .finish = $0 { true } else { false } } && drive.core.isFinished)
        #expect(!drive.core.result.wasStopped && drive.core.result.fatalError == nil)
    }

    /// Paused, nothing goes out and the publication says so; resumed, sending goes on.
    @Test func pauseAndResume() {
        var drive = Drive()
        _ = drive.start()
        let paused = drive.on(.command(.pause), at: 0)
        #expect(Self.contains(paused) { if case .publish(_, let control) = $0 { control.isPaused } else { false } })
        #expect(Self.sends(drive.on(.itemsRead(Self.items([#"{"input":"a"}"#])), at: 0.1)).isEmpty)
        #expect(Self.sends(drive.on(.command(.resume), at: 1)).count == 1)
    }

    /// An endpoint whose server closes every connection is logged once and published as not
    /// reusing connections, from then on; the other endpoints are untouched.
    @Test func closingServerIsSaidOnce() {
        var drive = Drive(endpoints: 2)
        _ = drive.start()
        let first = drive.on(.closesConnections(endpoint: 1), at: 1)
        #expect(first.filter { if case .log(.closesConnections("e1")) = $0 { true } else { false } }.count == 1)
        #expect(drive.on(.closesConnections(endpoint: 1), at: 2).allSatisfy { if case .log = $0 { false } else { true } })
        #expect(drive.on(.closesConnections(endpoint: 7), at: 2).isEmpty)
        let published = drive.on(.tick, at: 3).compactMap { if case .publish(_, let control) = $0 { control } else { nil } }
        #expect(published.map { $0.endpoints.map(\.reusesConnections) } == [[true, false]])
    }

    /// A stop lets requests in flight finish and be written; past the drain timeout the rest are
    /// cancelled and counted as abandoned.
    @Test func stopDrainsThenAbandons() {
        var drive = Drive(drainTimeout: 5)
        _ = drive.start()
        let sent = Self.sends(drive.on(.itemsRead(Self.items([#"{"input":"a"}"#, #"{"input":"b"}"#, #"{"input":"c"}"#])), at: 0))
        #expect(sent.count == 3)
        let stopping = drive.on(.command(.stop), at: 1)
        #expect(Self.contains(stopping) { if case .armTimer(let at) = $0 { at == 6 } else { false } })
        let answered = drive.on(.attemptCompleted(sent[0], .success(ParsedAnswer(response: "A")), limits: nil, sentAt: 0, finishedAt: 2), at: 2)
        #expect(Self.writes(answered).count == 1 && Self.sends(answered).isEmpty)
        let late = drive.on(.timerFired, at: 6)
        #expect(Self.contains(late) { if case .cancelInFlight = $0 { true } else { false } })
        #expect(drive.core.isFinished && drive.core.result.abandoned == 2 && drive.core.result.wasStopped)
    }

    /// Input that stops being readable is fatal: logged once, nothing more sent, the run finishes when
    /// what is in flight is back.
    @Test func fatalInputStopsTheRun() {
        var drive = Drive()
        _ = drive.start()
        let sent = Self.sends(drive.on(.itemsRead(Self.items([#"{"input":"a"}"#])), at: 0))
        let failed = drive.on(.sourceFailed(.inputUnreadable(path: "in", "I/O error")), at: 1)
        #expect(Self.contains(failed) { if case .log(.fatal) = $0 { true } else { false } })
        let end = drive.on(.attemptCompleted(sent[0], .success(ParsedAnswer(response: "A")), limits: nil, sentAt: 0, finishedAt: 2), at: 2)
        #expect(Self.contains(end) { if case .finish = $0 { true } else { false } })
        #expect(drive.core.result.fatalError?.description == "cannot read in: I/O error")
    }

    /// After a failed write no more lines are written, and the run ends with the error.
    @Test func failedWriteStopsWriting() {
        var drive = Drive()
        _ = drive.start()
        let sent = Self.sends(drive.on(.itemsRead(Self.items([#"{"input":"a"}"#, #"{"input":"b"}"#])), at: 0))
        _ = drive.on(.writeFailed(.outputUnwritable(path: "out", "No space left on device")), at: 0.5)
        let answered = drive.on(.attemptCompleted(sent[0], .success(ParsedAnswer(response: "A")), limits: nil, sentAt: 0, finishedAt: 1), at: 1)
        #expect(Self.writes(answered).isEmpty)
        #expect(drive.core.result.fatalError != nil)
    }

    /// A bad line is written at once as an error record and counted in the next publication.
    @Test func badLinesAreWrittenAndCounted() {
        var drive = Drive()
        _ = drive.start()
        let actions = drive.on(.itemsRead(Self.items(["{broken"])), at: 0)
        #expect(Self.writes(actions).count == 1 && Self.writes(actions).first?.1 == false)
        let tick = drive.on(.tick, at: 0.1)
        #expect(Self.contains(tick) { if case .flush = $0 { true } else { false } })
        #expect(Self.contains(tick) { action in
            guard case .publish(let events, _) = action else { return false }
            return events.contains { if case .badLine(let line, _) = $0.0 { line == 1 } else { false } }
        })
    }

    /// A resend by the exchange is published as one more request at its endpoint, and the stats
    /// count it as sent (beside the first send) and resent, without a retry.
    @Test func resendsAreVisible() {
        var drive = Drive()
        _ = drive.start()
        let dispatch = Self.sends(drive.on(.itemsRead(Self.items([#"{"input":"a"}"#])), at: 0))[0]
        _ = drive.on(.resent(dispatch), at: 0.05)
        let tick = drive.on(.tick, at: 0.1)
        var stats = StatsAccumulator(endpoints: [EndpointConfiguration(name: "e0", url: EndpointURL("http://h:1")!)])
        for case .publish(let events, _) in tick { for (event, at) in events { stats.record(event, at: at) } }
        let snapshot = stats.snapshot(at: 0.1, progress: SourceProgress())
        #expect(snapshot.resends == 1 && snapshot.endpoints[0].resends == 1 && snapshot.sent == 2 && snapshot.retries == 0)
    }

    /// A rate limit arms a timer for the next send instead of sending early.
    @Test func rateLimitArmsTheTimer() {
        var drive = Drive(rate: 10)
        _ = drive.start()
        let actions = drive.on(.itemsRead(Self.items([#"{"input":"a"}"#, #"{"input":"b"}"#])), at: 0)
        #expect(Self.sends(actions).count == 1)
        #expect(Self.contains(actions) { if case .armTimer(let at) = $0 { abs(at - 0.09) < 0.001 } else { false } })
        #expect(Self.sends(drive.on(.timerFired, at: 0.1)).count == 1)
    }

    /// However high the keys push a cap, an endpoint's pool is sized to at most
    /// `Defaults.maxConnectionsPerEndpoint` connections: the rest queue for one.
    @Test func poolsHaveACeiling() {
        var drive = Drive(maxInFlight: 4)
        _ = drive.start()
        let actions = drive.on(.command(.setMaxInFlight(1_000_000)), at: 0) + drive.on(.command(.setEndpointMaxInFlight(endpoint: 0, 1_000_000)), at: 0.1)
        let sizes = actions.compactMap { if case .resizePools(let sizes) = $0 { sizes } else { nil } }.flatMap { $0 }
        #expect(!sizes.isEmpty && sizes.allSatisfy { $0.connections <= Defaults.maxConnectionsPerEndpoint })
    }
}
