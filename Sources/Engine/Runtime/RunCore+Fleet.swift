/// The fleet store's part of the run core: leases of the fleet's and the endpoints' limits,
/// heartbeats with the fleet's settings, 429s and allowances told to the fleet, the store lost and
/// found, and `scope: fleet` commands.
extension RunCore {
    /// Handles a fleet store event.
    mutating func handleFleet(_ event: Event, now: Double, into actions: inout [Action]) {
        guard fleet != nil, scheduler.fleetGate != nil else { return }
        switch event {
        case .fleetGrants(let grants):
            for grant in grants { take(grant, now: now) }
        case .fleetBeat(let shards, let settings, let endpoints):
            heartbeat(shards: shards, settings: settings, endpoints: endpoints, now: now, into: &actions)
        case .fleetLearned(let endpoint, let state):
            applyFleetState(state, endpoint: endpoint, now: now)
        case .fleetBudget(let granted, let exhausted):
            scheduler.budgetGranted(granted, exhausted: exhausted)
        case .fleetLink(let connected, let since, let reason):
            guard connected != scheduler.fleetGate?.isConnected else { break }
            scheduler.fleetGate?.link(connected: connected, shards: nil)
            scheduler.budgetAsked = false
            let shards = scheduler.fleetGate?.shards ?? 1
            scheduler.holdEndpointShares(among: connected ? nil : shards, now: now)
            fleet!.since = since
            if let gate = scheduler.fleetGate, gate.rate > 0 { scheduler.setRate(gate.localRate, now: now) }
            if let gate = scheduler.fleetGate {
                actions.append(.log(connected ? .fleetStoreBack(shards: gate.shards) : .fleetStoreLost(reason ?? "no answer", share: gate.share, shards: gate.shards)))
            }
            actions.append(publication(now: now))
        default:
            break
        }
    }

    private mutating func take(_ grant: FleetGrant, now: Double) {
        switch grant.bucket {
        case .fleet:
            scheduler.fleetGate?.granted(grant.tokens, now: now)
            if grant.rate != scheduler.fleetGate?.rate { setFleetRate(grant.rate, now: now) }
        case .requests(let endpoint):
            guard scheduler.endpointGates.indices.contains(endpoint) else { return }
            scheduler.endpointGates[endpoint]?.granted(grant.tokens, now: now)
            applyFleetState(FleetEndpointState(rate: grant.rate, cool: grant.cool), endpoint: endpoint, now: now)
        case .tokens(let endpoint):
            guard scheduler.tokenGates.indices.contains(endpoint) else { return }
            scheduler.tokenGates[endpoint]?.granted(grant.tokens, now: now)
        }
    }

    private mutating func heartbeat(shards: Int, settings: [String: String], endpoints: [Int: FleetEndpointState], now: Double,
                                    into actions: inout [Action]) {
        scheduler.fleetGate?.seen(shards: shards)
        if let rate = FleetSettings.rate(in: settings), rate != scheduler.fleetGate?.rate { setFleetRate(rate, now: now) }
        for (endpoint, state) in endpoints { applyFleetState(state, endpoint: endpoint, now: now) }
        let commands = fleet!.settings.changes(to: settings, shards: shards, names: names)
        for command in commands {
            apply(command, now: now)
            stats.append((.action(command, endpoint: command.endpointIndex.map { names[$0] }, from: .fleet), now))
            if levels.infos { actions.append(.log(.command(command, from: .fleet))) }
        }
        actions.append(publication(now: now))
    }

    /// What the fleet knows of an endpoint: its rate in force gates its requests; its rest cools it here too.
    private mutating func applyFleetState(_ state: FleetEndpointState, endpoint: Int, now: Double) {
        guard scheduler.endpointGates.indices.contains(endpoint), scheduler.endpointGates[endpoint] != nil else { return }
        if state.rate != scheduler.endpointGates[endpoint]?.rate { scheduler.endpointGates[endpoint]?.setRate(state.rate) }
        if state.cool > 0 { scheduler.cool(endpoint, until: now + state.cool, reason: .tooManyRequests) }
    }

    /// After an answer or a failure: a 429 (one per run of them) and a changed allowance go to the fleet.
    mutating func teachFleet(_ dispatch: Dispatch, failure: EngineError?, limits: ProviderRateLimits?, now: Double, into actions: inout [Action]) {
        guard fleet != nil, fleet!.learns, scheduler.endpointGates.indices.contains(dispatch.endpoint) else { return }
        let endpoint = dispatch.endpoint
        if let failure, failure.isRateLimit {
            guard dispatch.sentAt >= fleet!.toldAt[endpoint] ?? -.infinity else { return }
            let newRun = fleet!.answeredSinceTold.remove(endpoint) != nil || fleet!.toldAt[endpoint] == nil
            fleet!.toldAt[endpoint] = now
            let estimate = fleet!.endpointSends[endpoint].rate(over: 5, at: now) * Double(scheduler.fleetGate?.shards ?? 1)
            actions.append(.fleetLearn(.rateLimited(endpoint: endpoint, configured: configuredRate(endpoint), age: now - dispatch.sentAt,
                                                    retryAfter: failure.retryAfter, newRun: newRun, estimate: estimate)))
        } else if failure == nil {
            fleet!.answeredSinceTold.insert(endpoint)
        }
        if let allowance = limits?.limitRequests, limits?.resetRequests == nil, allowance > 0 {
            let perSecond = Double(allowance) / 60 * LearnedRate.announcedShare
            if fleet!.toldAllowance[endpoint] != perSecond {
                fleet!.toldAllowance[endpoint] = perSecond
                actions.append(.fleetLearn(.announced(endpoint: endpoint, configured: configuredRate(endpoint), perSecond: perSecond)))
            }
        }
    }

    private func configuredRate(_ endpoint: Int) -> Double { scheduler.slots[endpoint].rate.configured ?? 0 }

    /// A dispatch to an endpoint, for this shard's pace there (the fleet's estimate on a 429).
    mutating func countFleetSend(_ dispatch: Dispatch, now: Double) {
        fleet!.sends.add(at: now)
        fleet!.endpointSends[dispatch.endpoint].add(at: now)
    }

    /// A `scope: fleet` command: applied here and written to the store for every other shard.
    mutating func applyFleetWide(_ command: EngineCommand, now: Double, into actions: inout [Action]) {
        guard fleet != nil, let field = FleetSettings.field(for: command, names: names) else { return apply(command, now: now) }
        fleet!.settings.wrote(field)
        actions.append(.writeFleetSetting(field))
        if case .setRate(let total) = command { return setFleetRate(total, now: now) }
        let shards = scheduler.fleetGate?.shards ?? 1
        apply(FleetSettings.command(field.name, field.value, shards: shards, names: names) ?? command, now: now)
    }

    /// The fleet's whole rate changed: the gate leases at it; the local limiter holds it (or the share, alone).
    mutating func setFleetRate(_ rate: Double, now: Double) {
        scheduler.fleetGate?.setRate(rate)
        scheduler.setRate(scheduler.fleetGate?.localRate ?? rate, now: now)
    }

    /// Asks for leases where tokens are short: the fleet's rate when sends wait on it, and each
    /// endpoint that could take the waiting records but for its shared limits.
    mutating func askForLeases(now: Double, into actions: inout [Action]) {
        var wants: [LeaseWant] = []
        if let gate = scheduler.fleetGate, gate.wantsLease(now: now), scheduler.waitsForLease {
            scheduler.fleetGate?.askedForLease()
            wants.append(LeaseWant(bucket: .fleet, rate: gate.rate, size: gate.leaseSize))
        }
        if !scheduler.endpointGates.isEmpty, scheduler.hasBacklog(now: now) {
            let need = scheduler.countsTokens ? scheduler.bufferedTokens : 0
            for index in scheduler.endpointGates.indices where scheduler.waitsOnFleet(index, now: now) {
                if let gate = scheduler.endpointGates[index], gate.wantsLease(now: now) {
                    scheduler.endpointGates[index]?.askedForLease()
                    wants.append(LeaseWant(bucket: .requests(index), rate: configuredRate(index), size: gate.leaseSize))
                }
                if let gate = scheduler.tokenGates[index], gate.wantsLease(now: now, need: need) {
                    scheduler.tokenGates[index]?.askedForLease()
                    wants.append(LeaseWant(bucket: .tokens(index), rate: gate.rate, size: gate.leaseSize(need: need)))
                }
            }
        }
        if !wants.isEmpty { actions.append(.wantLeases(wants)) }
        if let dollars = scheduler.budgetWanted, !scheduler.budgetAsked, scheduler.fleetGate?.isConnected == true {
            scheduler.budgetAsked = true
            actions.append(.wantBudget(dollars))
        }
    }

    /// What this shard leased of the fleet's cap and did not spend: handed back as it ends.
    var unspentBudget: Double {
        scheduler.spending.leasesBudget ? scheduler.spending.budgetLeft : 0
    }
}
