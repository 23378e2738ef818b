import Engine
import Testing
@testable import fanout

@Suite struct FleetCommandsTests {
    func shard(_ state: String, endpoints: [String]) throws -> StatusDocument {
        var snapshot = StatsSnapshot()
        snapshot.state = StatsSnapshot.RunState(rawValue: state.uppercased()) ?? .running
        snapshot.targetRate = 100
        snapshot.endpoints = endpoints.map { EndpointSnapshot(name: $0, url: "", weight: 1, initialWeight: 1, state: .ready) }
        return StatusDocument(snapshot, context: .init(pid: 1, host: "h", startedAt: 0, run: .init(version: "", input: "", save: "", errors: "")))
    }

    func bodies(_ command: EngineCommand, _ shards: [StatusDocument]) throws -> [EngineCommand?] {
        let fleet = try #require(StatusDocument.fleet(shards))
        return FleetCommands.split(command, fleet: fleet, shards: shards).enumerated().map { index, body in
            body.flatMap { try? ControlCommand.parse(Array($0.utf8), endpoints: shards[index].endpoints.map(\.name),
                                                       ranges: Limits.commandRanges).get() }
        }
    }

    /// The fleet's rate is shared by the shards still sending or paused; a finished one keeps its own;
    /// none lifts them all.
    @Test func rateIsTheFleetsTotal() throws {
        let shards = [try shard("running", endpoints: ["a"]), try shard("paused", endpoints: ["a"]), try shard("done", endpoints: ["a"])]
        #expect(try bodies(.setRate(154), shards) == [.setRate(77), .setRate(77), nil])
        #expect(try bodies(.setRate(0), shards) == [.setRate(0), .setRate(0), nil])
        #expect(try bodies(.pause, shards) == [.pause, .pause, .pause])
    }

    /// Weights and caps go by endpoint name to the shards that have it; caps are the fleet's total, shared.
    @Test func endpointsByName() throws {
        let shards = [try shard("running", endpoints: ["a", "b"]), try shard("running", endpoints: ["b"])]
        // The fleet lists a, then b.
        #expect(try bodies(.setWeight(endpoint: 1, weight: 3), shards) == [.setWeight(endpoint: 1, weight: 3), .setWeight(endpoint: 0, weight: 3)])
        #expect(try bodies(.setWeight(endpoint: 0, weight: 0), shards) == [.setWeight(endpoint: 0, weight: 0), nil])
        #expect(try bodies(.setEndpointMaxInFlight(endpoint: 1, 20), shards) == [.setEndpointMaxInFlight(endpoint: 1, 10), .setEndpointMaxInFlight(endpoint: 0, 10)])
        #expect(try bodies(.setMaxInFlight(64), shards) == [.setMaxInFlight(32), .setMaxInFlight(32)])
        #expect(try bodies(.setWeight(endpoint: 9, weight: 1), shards) == [nil, nil])
    }

    /// Shards sharing a connected fleet store get a key's command once, with `scope: fleet`, through
    /// the first running shard; stop stays per shard; a shard without the store gets it split as before.
    @Test func sharedStoreTakesItOnce() throws {
        var shards = [try shard("running", endpoints: ["a"]), try shard("running", endpoints: ["a"])]
        for index in shards.indices {
            shards[index].fleetStore = StatusDocument.FleetStore(FleetStoreFigures(url: "redis://h:1", fleet: "f", shards: 2, connected: true,
                                                                                   since: 0, share: 1, fleetRate: 10))
        }
        #expect(FleetCommands.scoped(.setRate(20), shards: shards) == .fleetWide(.setRate(20)))
        #expect(FleetCommands.scoped(.stop, shards: shards) == .stop)
        var ranges = Limits.commandRanges
        ranges.hasFleetStore = true
        let fleet = try #require(StatusDocument.fleet(shards))
        let plan = FleetCommands.split(.fleetWide(.setRate(20)), fleet: fleet, shards: shards)
        #expect(plan[1] == nil)
        #expect(try ControlCommand.parse(Array((plan[0] ?? "").utf8), endpoints: ["a"], ranges: ranges).get() == .fleetWide(.setRate(20)))
        shards[1].fleetStore = nil
        #expect(FleetCommands.scoped(.setRate(20), shards: shards) == .setRate(20))
    }
}
