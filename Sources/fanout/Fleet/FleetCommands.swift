import Engine

/// A key's command for the whole fleet, split into each shard's command body.
///
/// Pure. Pause, resume, stop and `auto` go to every shard; a rate is the fleet's total, shared
/// equally by the shards still sending or paused (a draining or finished one keeps its own); caps are the
/// fleet's total too, shared by the shards that have the endpoint; weights and drains go by endpoint
/// name to every shard that has it.
enum FleetCommands {
    /// A key's command for shards that share a fleet store: written to the store through one of
    /// them (`scope: fleet`), so every shard obeys it, attached or not, and a shard started later
    /// too. Stop and unbatch stay per shard; shards without a connected store get it split as before.
    static func scoped(_ command: EngineCommand, shards: [StatusDocument]) -> EngineCommand {
        let sharing = !shards.isEmpty && shards.allSatisfy { $0.fleetStore?.connected == true }
            && Set(shards.compactMap { $0.fleetStore?.fleet }).count == 1
        guard sharing else { return command }
        switch command {
        case .stop, .unbatch, .fleetWide: return command
        default: return .fleetWide(command)
        }
    }

    /// Each shard's body (nil: nothing for that shard), in the order of `shards`.
    static func split(_ command: EngineCommand, fleet: StatusDocument, shards: [StatusDocument]) -> [String?] {
        let names = fleet.endpoints.map(\.name)
        switch command {
        case .fleetWide:
            // The fleet store carries it to every shard: one shard is told.
            let first = shards.firstIndex { $0.fleetStore?.connected == true && ($0.state == "running" || $0.state == "paused") }
            return shards.indices.map { $0 == first ? command.controlBody(endpoints: names) : nil }
        case .pause, .resume, .stop, .setMaxInFlightAuto, .unbatch(nil):
            return shards.map { _ in command.controlBody(endpoints: names) }
        case .setRate(let total):
            let active = { (shard: StatusDocument) in shard.state == "running" || shard.state == "paused" }
            let running = shards.filter(active).count
            return shards.map { shard in
                guard active(shard) else { return nil }
                return EngineCommand.setRate(total > 0 ? total / Double(max(1, running)) : 0).controlBody(endpoints: names)
            }
        case .setMaxInFlight(let total):
            return shards.map { _ in EngineCommand.setMaxInFlight(max(1, total / max(1, shards.count))).controlBody(endpoints: names) }
        case .unbatch(let index?):
            return byName(index, names, shards) { shardIndex, _ in .unbatch(endpoint: shardIndex) }
        case .setWeight(let index, let weight):
            return byName(index, names, shards) { shardIndex, _ in .setWeight(endpoint: shardIndex, weight: weight) }
        case .setEndpointMaxInFlight(let index, let total):
            let having = names.indices.contains(index) ? shards.filter { $0.endpoints.contains { $0.name == names[index] } }.count : 0
            return byName(index, names, shards) { shardIndex, _ in .setEndpointMaxInFlight(endpoint: shardIndex, max(1, total / max(1, having))) }
        }
    }

    /// The command for every shard that has the fleet's endpoint `index`, by its name.
    private static func byName(_ index: Int, _ names: [String], _ shards: [StatusDocument],
                               _ make: (Int, StatusDocument) -> EngineCommand) -> [String?] {
        guard names.indices.contains(index) else { return shards.map { _ in nil } }
        return shards.map { shard in
            let shardNames = shard.endpoints.map(\.name)
            guard let shardIndex = shardNames.firstIndex(of: names[index]) else { return nil }
            return make(shardIndex, shard).controlBody(endpoints: shardNames)
        }
    }
}
