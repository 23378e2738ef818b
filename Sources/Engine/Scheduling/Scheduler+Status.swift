extension Scheduler {
    /// What endpoint `index` is doing at `now`.
    func status(of index: Int, now: Double) -> EndpointStatus {
        let health = health[index]
        if spending.outOfFunds[index] { return .outOfFunds }
        if balancer.weights[index] <= 0 { return .drained }
        if health.isEjected(now: now) { return .ejected(seconds: health.ejectedUntil - now) }
        if health.isHalfOpen(now: now) { return .probing }
        if slots[index].coolingUntil > now { return .cooling(seconds: slots[index].coolingUntil - now, reason: slots[index].coolingReason) }
        return .ready
    }

    /// What the screen shows beside the counters: the limits in force, the load, every endpoint's status.
    func control(now: Double) -> ControlState {
        var control = ControlState()
        control.isPaused = isPaused
        control.isStopping = isStopping
        control.targetRate = limiter.rate
        control.tokensPerMinute = tokens.perMinute
        control.maxInFlight = maxInFlight
        control.inFlightIsAuto = inFlightIsAuto
        control.inFlight = inFlight
        control.pendingRetries = pendingRetryCount
        control.spend = spending.figures(now: now)
        control.endpoints = slots.indices.map { index in
            var endpoint = EndpointControl(weight: balancer.weights[index], inFlight: slots[index].inFlight, status: status(of: index, now: now))
            endpoint.providerLimits = slots[index].provider
            endpoint.isFailing = health[index].failingSince != nil
            endpoint.limits = limits(of: index)
            endpoint.spent = spending.byEndpoint[index]
            return endpoint
        }
        return control
    }

    /// What an endpoint's last rate-limit headers said, if it sent any.
    func providerLimits(_ index: Int) -> ProviderRateLimits? { slots[index].provider }

    /// When the last of the endpoints in rotation began failing, if all of them are failing; nil when
    /// any of them answers (or has not been tried).
    var everyEndpointFailingSince: Double? {
        var latest: Double?
        for index in slots.indices where balancer.weights[index] > 0 && !batchRoutes[index] {
            guard let since = health[index].failingSince else { return nil }
            latest = max(latest ?? since, since)
        }
        return latest
    }
}

extension Scheduler {
    /// The scheduler a run of `configuration` starts with.
    init(configuration: EngineConfiguration) {
        self.init(endpoints: configuration.endpoints, rate: configuration.rate, maxInFlight: configuration.maxInFlight,
                  retryPolicy: configuration.retryPolicy, ejectAfter: configuration.ejectAfter,
                  drainTimeout: configuration.drainTimeout, tokensPerMinute: configuration.tokensPerMinute,
                  unreachableAfter: configuration.unreachableAfter, rateLimitPatience: configuration.rateLimitPatience,
                  // With a fleet store the fleet learns endpoints' limits (`RunCore+Fleet`), not each shard alone.
                  learnsLimits: configuration.learnsLimits && configuration.fleetStore == nil, cost: configuration.cost)
    }
}
