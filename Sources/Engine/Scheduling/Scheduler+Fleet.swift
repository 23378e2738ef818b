/// The scheduler's side of a fleet store: each endpoint's shared requests and tokens, and the
/// shard's share of them when the store is gone.
extension Scheduler {
    /// Sets up a gate for each real-time endpoint's requests (gating once a rate is in force) and
    /// for each endpoint's tokens per minute.
    mutating func shareEndpointLimits(_ endpoints: [EndpointConfiguration]) {
        endpointGates = endpoints.map { $0.batch == nil ? FleetGate(rate: $0.requestsPerSecond ?? 0) : nil }
        tokenGates = endpoints.map { endpoint in endpoint.batch == nil ? (endpoint.tokensPerMinute).flatMap { $0 > 0 ? FleetGate(rate: $0 / 60) : nil } : nil }
    }


    /// Whether `endpoint` could take a request now but for the fleet's shares (so a lease is worth asking).
    func waitsOnFleet(_ endpoint: Int, now: Double) -> Bool {
        !batchRoutes[endpoint] && balancer.weights[endpoint] > 0 && slots[endpoint].isOpen(now: now) && health[endpoint].isUsable(now: now)
            && !spending.outOfFunds[endpoint]
    }

    /// The fleet store was lost (`shards` seen) or is back (nil): alone, each endpoint's limit is
    /// this shard's share of the fleet's rate there.
    mutating func holdEndpointShares(among shards: Int?, now: Double) {
        for index in endpointGates.indices {
            guard let gate = endpointGates[index] else { continue }
            let share = shards.map { gate.rate / Double(max(1, $0)) }
            slots[index].rate.holdFleetShare(share, now: now)
            slots[index].holdTokenShare(among: shards, now: now)
            endpointGates[index]?.link(connected: shards == nil, shards: shards)
            tokenGates[index]?.link(connected: shards == nil, shards: shards)
        }
    }
}

/// The endpoints' shared gates as the balancer asks them (a copy, so choosing does not hold the scheduler).
struct FleetAdmission {
    let requests: [FleetGate?]
    let tokens: [FleetGate?]

    /// Whether the fleet's shares let a request needing `need` tokens go to `endpoint` now.
    func admits(_ endpoint: Int, need: Int, now: Double) -> Bool {
        guard !requests.isEmpty else { return true }
        return (requests[endpoint]?.hasToken(now: now) ?? true) && (tokens[endpoint]?.hasToken(now: now, need: need) ?? true)
    }
}
