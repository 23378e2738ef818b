import Testing
@testable import Engine

/// The fleet's settings: commands to store fields and back, each shard taking its share of totals.
@Suite struct FleetSettingsTests {
    let names = ["gpu-a", "gpu-b"]

    /// Each fleet-wide command becomes one field, endpoints by name; stop and unbatch are not fleet settings.
    @Test func commandsBecomeFields() {
        #expect(FleetSettings.field(for: .pause, names: names) == .init(name: "paused", value: "1"))
        #expect(FleetSettings.field(for: .setRate(12), names: names) == .init(name: "rate", value: "12.0"))
        #expect(FleetSettings.field(for: .setWeight(endpoint: 1, weight: 0), names: names) == .init(name: "weight:gpu-b", value: "0.0"))
        #expect(FleetSettings.field(for: .setEndpointMaxInFlight(endpoint: 0, 9), names: names) == .init(name: "cap:gpu-a", value: "9"))
        #expect(FleetSettings.field(for: .setMaxInFlightAuto, names: names)?.value == "auto")
        #expect(FleetSettings.field(for: .stop, names: names) == nil)
        #expect(FleetSettings.field(for: .setWeight(endpoint: 5, weight: 1), names: names) == nil)
    }

    /// Only changed fields become commands; caps are shared by the shards, again when their count changes.
    @Test func changesAndShares() {
        var settings = FleetSettings()
        var commands = settings.changes(to: ["paused": "1", "cap:gpu-a": "10", "rate": "12"], shards: 3, names: names)
        #expect(commands == [.setEndpointMaxInFlight(endpoint: 0, 4), .pause])
        commands = settings.changes(to: ["paused": "1", "cap:gpu-a": "10", "rate": "12"], shards: 3, names: names)
        #expect(commands.isEmpty)
        commands = settings.changes(to: ["paused": "0", "cap:gpu-a": "10"], shards: 2, names: names)
        #expect(commands == [.setEndpointMaxInFlight(endpoint: 0, 5), .resume])
        #expect(FleetSettings.rate(in: ["rate": "12"]) == 12 && FleetSettings.rate(in: ["rate": "-1"]) == nil)
    }

    /// Fields that do not parse, or name an endpoint this shard lacks, are left alone.
    @Test func hostileFieldsIgnored() {
        var settings = FleetSettings()
        let commands = settings.changes(to: ["weight:nope": "1", "weight:gpu-a": "NaN", "cap:gpu-b": "-3", "max_in_flight": "x", "other": "1"],
                                        shards: 1, names: names)
        #expect(commands.isEmpty)
    }

    /// Values beyond any command's range (a hostile or broken store) are held to it, never trusted to overflow.
    @Test func hugeValuesHeld() {
        var settings = FleetSettings()
        let commands = settings.changes(to: ["cap:gpu-a": String(Int.max), "weight:gpu-b": "1e300", "max_in_flight": String(Int.max)],
                                        shards: 3, names: names)
        #expect(commands.contains(.setEndpointMaxInFlight(endpoint: 0, 333_334)))
        #expect(commands.contains(.setWeight(endpoint: 1, weight: 1_000_000)))
        #expect(FleetSettings.rate(in: ["rate": "1e300"]) == FleetGate.maxRate)
        var gate = FleetGate(rate: .infinity)
        #expect(gate.rate == 0)
        gate.setRate(1e300)
        #expect(gate.leaseSize == 1_000_000)
    }
}
