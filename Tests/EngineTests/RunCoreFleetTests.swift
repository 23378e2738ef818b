import Testing
@testable import Engine

/// The run core with a fleet store, on chosen times: leases, heartbeats, the store lost and found.
@Suite struct RunCoreFleetTests {
    static func drive(rate: Double = 30) throws -> RunCoreTests.Drive {
        var drive = RunCoreTests.Drive(rate: rate, maxInFlight: 100)
        var configuration = EngineConfiguration(endpoints: [EndpointConfiguration(name: "e0", url: EndpointURL("http://h:1")!)],
                                                rate: rate, maxInFlight: 100, retryPolicy: RetryPolicy(maxAttempts: 2))
        configuration.fleetStore = FleetStoreConfiguration(address: try StoreAddress("redis://127.0.0.1:1"), fleet: "f", shardID: "s", info: "{}")
        drive.core = RunCore(configuration: configuration, seed: 1)
        return drive
    }

    static func leases(_ actions: [RunCore.Action]) -> [(rate: Double, size: Int)] {
        actions.compactMap { if case .wantLease(let rate, let size) = $0 { (rate, size) } else { nil } }
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
        actions = drive.on(.fleetGrant(tokens: 2, rate: 30), at: 0.02)
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
        _ = drive.on(.fleetBeat(shards: 3, settings: [:], isNew: true), at: 0)
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
        actions = drive.on(.fleetBeat(shards: 2, settings: ["rate": "20", "paused": "1"], isNew: false), at: 1)
        #expect(drive.core.scheduler.fleetGate?.rate == 20 && drive.core.scheduler.isPaused)
    }
}
