import Testing
@testable import Engine

/// The run core with a fleet store, on chosen times: leases, heartbeats, the store lost and found.
@Suite struct RunCoreFleetTests {
    static func drive(rate: Double = 30, endpointRate: Double? = nil) throws -> RunCoreTests.Drive {
        var drive = RunCoreTests.Drive(rate: rate, maxInFlight: 100)
        var endpoint = EndpointConfiguration(name: "e0", url: EndpointURL("http://h:1")!)
        endpoint.requestsPerSecond = endpointRate
        var configuration = EngineConfiguration(endpoints: [endpoint],
                                                rate: rate, maxInFlight: 100, retryPolicy: RetryPolicy(maxAttempts: 2))
        configuration.fleetStore = FleetStoreConfiguration(address: try StoreAddress("redis://127.0.0.1:1"), fleet: "f", shardID: "s", info: "{}")
        drive.core = RunCore(configuration: configuration, seed: 1)
        return drive
    }

    static func leases(_ actions: [RunCore.Action]) -> [LeaseWant] {
        actions.flatMap { action -> [LeaseWant] in
            if case .wantLeases(let wants) = action { return wants }
            return []
        }
    }

    static func lessons(_ actions: [RunCore.Action]) -> [FleetLesson] {
        actions.compactMap { if case .fleetLearn(let lesson) = $0 { lesson } else { nil } }
    }

    /// Nothing goes before a lease; a lease of 100 ms of the fleet's rate is asked for once; each token sends one record.
    @Test func sendsOnlyLeasedTokens() throws {
        var drive = try Self.drive()
        _ = drive.start()
        var actions = drive.on(.itemsRead(RunCoreTests.items((1...10).map { #"{"input":"\#($0)"}"# })), at: 0)
        #expect(RunCoreTests.sends(actions).isEmpty)
        #expect(Self.leases(actions).map(\.size) == [3])
        actions = drive.on(.tick, at: 0.01)
        #expect(Self.leases(actions).isEmpty, "one lease at a time")
        actions = drive.on(.fleetGrants([FleetGrant(bucket: .fleet, tokens: 2, wait: 0, rate: 30)]), at: 0.02)
        // The local limiter holds the fleet's whole rate: the second token goes 1/30 s after the first.
        #expect(RunCoreTests.sends(actions).count == 1)
        actions = drive.on(.timerFired, at: 0.02 + 1.0 / 30)
        #expect(RunCoreTests.sends(actions).count == 1)
        #expect(Self.leases(actions).count == 1)
    }

    /// The store lost: the shard sends alone at its share of the shards last seen, and says so; back, it leases again.
    @Test func goesAloneAtItsShare() throws {
        var drive = try Self.drive()
        _ = drive.start()
        _ = drive.on(.fleetBeat(shards: 3, settings: [:], endpoints: [:]), at: 0)
        var actions = drive.on(.fleetLink(connected: false, since: 100, reason: "the connection closed"), at: 0.5)
        #expect(actions.contains { if case .log(.fleetStoreLost(_, let share, let shards)) = $0 { share == 10 && shards == 3 } else { false } })
        actions = drive.on(.itemsRead(RunCoreTests.items((1...40).map { #"{"input":"\#($0)"}"# })), at: 1)
        #expect(RunCoreTests.sends(actions).count == 1 && Self.leases(actions).isEmpty)
        #expect(drive.core.scheduler.limiter.rate == 10)
        let figures = drive.core.finalPublication(now: 1)
        if case .publish(_, let control) = figures {
            #expect(control.fleetStore?.connected == false && control.fleetStore?.since == 100 && control.fleetStore?.share == 10)
        } else {
            Issue.record("no publication")
        }
        actions = drive.on(.fleetLink(connected: true, since: 105, reason: nil), at: 6)
        #expect(drive.core.scheduler.slots[0].tokens.perMinute == 0, "no tokens per minute configured: none held")
        #expect(drive.core.scheduler.limiter.rate == 30)
        #expect(actions.contains { if case .log(.fleetStoreBack) = $0 { true } else { false } })
    }

    /// A scope-fleet rate is the fleet's total: written to the store, the gate leases at it; a heartbeat's settings are obeyed.
    @Test func fleetWideCommands() throws {
        var drive = try Self.drive()
        _ = drive.start()
        var actions = drive.on(.command(.fleetWide(.setRate(12)), from: .control), at: 0)
        #expect(actions.contains { if case .writeFleetSetting(let field) = $0 { field.name == "rate" && field.value == "12.0" } else { false } })
        #expect(drive.core.scheduler.fleetGate?.rate == 12 && drive.core.scheduler.limiter.rate == 12)
        actions = drive.on(.fleetBeat(shards: 2, settings: ["rate": "20", "paused": "1"], endpoints: [:]), at: 1)
        #expect(drive.core.scheduler.fleetGate?.rate == 20 && drive.core.scheduler.isPaused)
    }

    /// An endpoint's configured rate is the fleet's: its requests wait for leases of its own bucket,
    /// and what the fleet learned there (a lower rate, a rest) holds this shard too.
    @Test func endpointRatesAreShared() throws {
        var drive = try Self.drive(rate: 0, endpointRate: 10)
        _ = drive.start()
        var actions = drive.on(.itemsRead(RunCoreTests.items((1...10).map { #"{"input":"\#($0)"}"# })), at: 0)
        #expect(RunCoreTests.sends(actions).isEmpty)
        #expect(Self.leases(actions) == [LeaseWant(bucket: .requests(0), rate: 10, size: 1)])
        actions = drive.on(.fleetGrants([FleetGrant(bucket: .requests(0), tokens: 1, wait: 0, rate: 10)]), at: 0.01)
        #expect(RunCoreTests.sends(actions).count == 1)
        _ = drive.on(.fleetLearned(endpoint: 0, FleetEndpointState(rate: 4, cool: 2)), at: 0.02)
        #expect(drive.core.scheduler.endpointGates[0]?.rate == 4)
        if case .cooling = drive.core.scheduler.status(of: 0, now: 1) {} else { Issue.record("not cooling") }
    }

    /// A 429 is told to the fleet once per run of them (later sends only), and a changed allowance once.
    @Test func lessonsGoToTheFleet() throws {
        var drive = try Self.drive(rate: 0)
        _ = drive.start()
        let sent = RunCoreTests.sends(drive.on(.itemsRead(RunCoreTests.items((1...3).map { #"{"input":"\#($0)"}"# })), at: 0))
        #expect(sent.count == 3)
        let refused = EngineError.http(status: 429, detail: "slow down")
        var actions = drive.on(.attemptCompleted(sent[0], .failure(refused), limits: nil, sentAt: 0, finishedAt: 0.2), at: 0.2)
        #expect(Self.lessons(actions).count == 1)
        actions = drive.on(.attemptCompleted(sent[1], .failure(refused), limits: nil, sentAt: 0, finishedAt: 0.3), at: 0.3)
        #expect(Self.lessons(actions).isEmpty, "sent before the last 429 was told: old news")
        let limits = ProviderRateLimits(limitRequests: 600)
        actions = drive.on(.attemptCompleted(sent[2], .success(ParsedAnswer(response: "ok")), limits: limits, sentAt: 0, finishedAt: 0.4), at: 0.4)
        #expect(Self.lessons(actions) == [.announced(endpoint: 0, configured: 0, perSecond: 10 * LearnedRate.announcedShare)])
    }

    /// Alone, an endpoint's configured rate and tokens per minute are held to this shard's share; back, the fleet's buckets govern.
    @Test func endpointSharesAlone() throws {
        var drive = RunCoreTests.Drive(rate: 0, maxInFlight: 100)
        var endpoint = EndpointConfiguration(name: "e0", url: EndpointURL("http://h:1")!)
        endpoint.requestsPerSecond = 12
        endpoint.tokensPerMinute = 60_000
        var configuration = EngineConfiguration(endpoints: [endpoint], rate: 0, maxInFlight: 100, retryPolicy: RetryPolicy(maxAttempts: 2))
        configuration.fleetStore = FleetStoreConfiguration(address: try StoreAddress("redis://127.0.0.1:1"), fleet: "f", shardID: "s", info: "{}")
        drive.core = RunCore(configuration: configuration, seed: 1)
        _ = drive.start()
        _ = drive.on(.fleetBeat(shards: 3, settings: [:], endpoints: [0: FleetEndpointState(rate: 12, cool: 0)]), at: 0)
        _ = drive.on(.fleetLink(connected: false, since: 1, reason: "closed"), at: 1)
        #expect(drive.core.scheduler.slots[0].rate.rate == 4 && drive.core.scheduler.slots[0].tokens.perMinute == 20_000)
        _ = drive.on(.fleetLink(connected: true, since: 2, reason: nil), at: 2)
        #expect(drive.core.scheduler.slots[0].rate.rate == 12 && drive.core.scheduler.slots[0].tokens.perMinute == 60_000)
    }
}
