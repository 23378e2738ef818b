extension Scheduler {
    /// What an answer teaches its endpoint; its rate may rise only while requests wait for it.
    mutating func learnFromAnswer(_ dispatch: Dispatch, now: Double) {
        let ownRate = slots[dispatch.endpoint].rate.rate ?? 0
        let heldBack = hasBacklog(now: now) && (limiter.rate == 0 || ownRate < limiter.rate)
        slots[dispatch.endpoint].learnFromAnswer(sentAt: dispatch.sentAt, now: now, isHeldBack: heldBack)
    }

    /// What a failure teaches its endpoint (`EndpointSlot.learnFromFailure`).
    mutating func learnFromFailure(_ dispatch: Dispatch, error: EngineError, now: Double) {
        slots[dispatch.endpoint].learnFromFailure(error, sentAt: dispatch.sentAt, now: now)
    }

    /// What the endpoint's server metrics said of its queue: an automatic cap follows it.
    mutating func serverReported(_ load: ServerLoad, endpoint: Int, now: Double) {
        guard slots.indices.contains(endpoint) else { return }
        let inFlight = slots[endpoint].inFlight
        slots[endpoint].concurrency?.serverReported(running: load.running, waiting: load.waiting, slots: load.slots,
                                                    inFlight: inFlight, now: now)
    }

    /// What an endpoint's rate-limit headers say (`EndpointSlot.observe`); a token count in them
    /// makes every attempt charge its estimated tokens from now on.
    mutating func observe(_ limits: ProviderRateLimits, dispatch: Dispatch, now: Double) {
        slots[dispatch.endpoint].observe(limits, sentAt: dispatch.sentAt, nextTokens: bufferedTokens, now: now)
        if limits.remainingTokens != nil { countsTokens = true }
    }

    /// The limits in force at an endpoint and where they come from, for the screen and the metrics.
    func limits(of index: Int) -> EndpointLimits { slots[index].limits }

    /// The connections an endpoint's pool may hold: its cap, within the global one.
    func connectionCap(of index: Int) -> Int {
        min(slots[index].cap ?? maxInFlight, maxInFlight)
    }

    /// Sets the global in-flight cap by hand (`auto` ends for it; endpoints keep their own caps).
    mutating func setMaxInFlight(_ value: Int) {
        maxInFlight = max(1, value)
        inFlightIsAuto = false
    }

    /// `auto` at run time: the global cap rises out of the way; endpoints with a fixed cap keep it,
    /// the others start finding their own.
    mutating func setMaxInFlightAuto(now: Double) {
        maxInFlight = Defaults.autoInFlightCeiling * max(1, slots.count)
        inFlightIsAuto = true
        for index in slots.indices { slots[index].becomeAutomatic(now: now) }
    }

    /// Sets an endpoint's in-flight cap by hand: a fixed cap stays fixed, an automatic one goes on
    /// learning from the new value.
    mutating func setMaxInFlight(_ value: Int, endpoint: Int, now: Double) {
        guard slots.indices.contains(endpoint) else { return }
        slots[endpoint].setCap(value, now: now)
    }
}

/// The limits in force at one endpoint, and where they come from.
public struct EndpointLimits: Sendable, Hashable {
    /// Requests per second (nil: none of its own).
    public var rate: Double?
    public var rateSource: LearnedRate.Source?
    /// Requests in flight at most (nil: only the global cap).
    public var inFlightCap: Int?
    /// The cap is found automatically (`max_in_flight: auto`).
    public var capIsAuto = false
    /// The no-load latency the automatic cap measured, seconds.
    public var baselineLatency: Double?
    /// The endpoint's `remaining` header was contradicted by a 429 and is ignored.
    public var headersDistrusted = false

    public init() {}
}
