/// The fleet store's part of the run core: leases of the fleet's rate, heartbeats with the fleet's
/// settings, the store lost and found, and `scope: fleet` commands.
extension RunCore {
    /// Handles a fleet store event.
    mutating func handleFleet(_ event: Event, now: Double, into actions: inout [Action]) {
        guard fleet != nil, scheduler.fleetGate != nil else { return }
        switch event {
        case .fleetGrant(let tokens, let rate):
            scheduler.fleetGate?.granted(tokens, now: now)
            if rate != scheduler.fleetGate?.rate, rate.isFinite, rate >= 0 { setFleetRate(rate, now: now) }
        case .fleetBeat(let shards, let settings, _):
            let connected = scheduler.fleetGate?.isConnected ?? true
            scheduler.fleetGate?.link(connected: connected, shards: shards)
            if let rate = FleetSettings.rate(in: settings), rate != scheduler.fleetGate?.rate { setFleetRate(rate, now: now) }
            let commands = fleet!.settings.changes(to: settings, shards: shards, names: names)
            for command in commands {
                applyLocally(command, now: now)
                stats.append((.action(command, endpoint: command.endpointIndex.map { names[$0] }, from: .fleet), now))
                if levels.infos { actions.append(.log(.command(command, from: .fleet))) }
            }
            if !connected { break }
            actions.append(publicationNow(now))
        case .fleetLink(let connected, let since, let reason):
            guard connected != scheduler.fleetGate?.isConnected else { break }
            scheduler.fleetGate?.link(connected: connected, shards: nil)
            fleet!.since = since
            fleet!.lostBecause = connected ? nil : reason
            if let gate = scheduler.fleetGate, gate.rate > 0 { scheduler.setRate(gate.localRate, now: now) }
            if let gate = scheduler.fleetGate {
                actions.append(.log(connected ? .fleetStoreBack(shards: gate.shards) : .fleetStoreLost(reason ?? "no answer", share: gate.share, shards: gate.shards)))
            }
            actions.append(publicationNow(now))
        default:
            break
        }
    }

    /// A `scope: fleet` command: applied here and written to the store for every other shard.
    mutating func applyFleetWide(_ command: EngineCommand, now: Double, into actions: inout [Action]) {
        guard fleet != nil, let field = FleetSettings.field(for: command, names: names) else { return applyLocally(command, now: now) }
        fleet!.settings.wrote(field)
        actions.append(.writeFleetSetting(field))
        if case .setRate(let total) = command { return setFleetRate(total, now: now) }
        let shards = scheduler.fleetGate?.shards ?? 1
        applyLocally(FleetSettings.command(field.name, field.value, shards: shards, names: names) ?? command, now: now)
    }

    /// The fleet's whole rate changed: the gate leases at it; the local limiter holds it (or the share, alone).
    mutating func setFleetRate(_ rate: Double, now: Double) {
        scheduler.fleetGate?.setRate(rate)
        scheduler.setRate(scheduler.fleetGate?.localRate ?? rate, now: now)
    }

    /// Asks for a lease when the gate has no token left and none is asked for.
    mutating func askForLease(now: Double, into actions: inout [Action]) {
        guard let gate = scheduler.fleetGate, gate.wantsLease(now: now), scheduler.waitsForLease else { return }
        scheduler.fleetGate?.askedForLease()
        actions.append(.wantLease(rate: gate.rate, size: gate.leaseSize))
    }
}
