extension Scheduler {
    /// What an answer teaches: the endpoint's rate may rise, its automatic cap takes the latency.
    mutating func learnFromAnswer(_ dispatch: Dispatch, now: Double) {
        let endpoint = dispatch.endpoint
        let ownRate = slots[endpoint].rate.rate ?? 0
        let heldBack = hasBacklog(now: now) && (limiter.rate == 0 || ownRate < limiter.rate)
        slots[endpoint].rate.succeeded(now: now, isHeldBack: heldBack)
        slots[dispatch.endpoint].concurrency?.answered(sentAt: dispatch.sentAt, now: now)
    }

    /// What a failure teaches: a 429 cuts the endpoint's rate and pauses it (its Retry-After, else
    /// 1 s doubling to 60 s); a 503's Retry-After pauses it; overload (timeouts, 5xx, lost
    /// connections) shrinks an automatic cap.
    mutating func learnFromFailure(_ dispatch: Dispatch, error: EngineError, now: Double) {
        let endpoint = dispatch.endpoint
        if error.isRateLimit {
            slots[endpoint].refusalsSinceHeaders += 1
            // A 429 outranks any header: a `remaining` that claimed plenty left (at least half the
            // allowance, beyond what is in flight) lies. It is ignored from now on, and the window it
            // made look short goes back to the assumed minute.
            if headersContradicted(by: endpoint) {
                slots[endpoint].rate.distrustHeaders()
                slots[endpoint].window = AllowanceWindow()
                if let allowance = slots[endpoint].provider?.limitRequests {
                    slots[endpoint].rate.announce(allowance, per: slots[endpoint].window.length, now: now)
                }
            }
            // Paced by an allowance its headers announced: the window was measured short; lengthen it
            // instead of cutting the rate. One whose headers name a reset is held by them (`observe`):
            // a 429 there is a boundary race, which the pause covers.
            let announced = slots[endpoint].rate.source == .headers
            let governed = announced || slots[endpoint].provider?.resetRequests != nil
            let pause = slots[endpoint].rate.rateLimited(sentAt: dispatch.sentAt, now: now, retryAfter: error.retryAfter, cuts: !governed)
            // A window measured from `remaining` was measured short: lengthen it. One a 429 already
            // put back to the assumed minute stays there (its 429s are the window's edge).
            if announced, !slots[endpoint].rate.headersDistrusted, pause != nil, let allowance = slots[endpoint].provider?.limitRequests {
                slots[endpoint].window.widen()
                slots[endpoint].rate.announce(allowance, per: slots[endpoint].window.length, now: now)
            }
            if let wait = pause ?? error.retryAfter { cool(endpoint, until: now + wait, reason: .tooManyRequests) }
            return
        }
        if let wait = error.retryAfter, error.status == 503 { cool(endpoint, until: now + wait, reason: .unavailable) }
        if error.isEndpointFailure && !error.isNoConnection { slots[endpoint].concurrency?.overloaded(now: now) }
    }

    /// Whether the endpoint's last rate-limit headers claimed allowance a 429 just denied: at least
    /// half the announced requests left, and more than the requests in flight could use up — or
    /// still claimed so at a second 429 with no answer between (a burst in flight overrunning an
    /// honest allowance shows `remaining` falling first).
    func headersContradicted(by endpoint: Int) -> Bool {
        let slot = slots[endpoint]
        guard let provider = slot.provider, let remaining = provider.remainingRequests, !slot.rate.headersDistrusted else { return false }
        let half = provider.limitRequests.map { ($0 + 1) / 2 } ?? 1
        return remaining >= max(1, half) && (remaining > slot.inFlight || slot.refusalsSinceHeaders >= 2)
    }

    /// Holds an endpoint back when its provider says the requests or tokens left will be used up by
    /// what is already in flight (plus the next request): until the reset the header names. An
    /// allowance announced without a reset time paces the endpoint instead (`AllowanceWindow`).
    mutating func observe(_ limits: ProviderRateLimits, dispatch: Dispatch, now: Double) {
        let endpoint = dispatch.endpoint
        slots[endpoint].provider = limits
        slots[endpoint].refusalsSinceHeaders = 0
        let slot = slots[endpoint]
        if let remaining = limits.remainingRequests {
            if let reset = limits.resetRequests {
                if remaining <= slot.inFlight, reset > 0, !slot.rate.headersDistrusted {
                    cool(endpoint, until: now + min(reset, Self.maxProviderReset), reason: .providerLimit)
                }
            } else if let allowance = limits.limitRequests {
                // A `remaining` a 429 contradicted says nothing about the window any more.
                if !slot.rate.headersDistrusted {
                    slots[endpoint].window.observe(limit: allowance, remaining: remaining, sentAt: dispatch.sentAt, inFlight: slot.inFlight)
                }
                slots[endpoint].rate.announce(allowance, per: slots[endpoint].window.length, now: now)
            }
        }
        guard let remaining = limits.remainingTokens else { return }
        countsTokens = true
        let next = bufferedTokens
        if remaining < slot.tokensInFlight + next, let reset = limits.resetTokens, reset > 0 {
            cool(endpoint, until: now + min(reset, Self.maxProviderReset), reason: .providerLimit)
        }
    }

    /// The limits in force at an endpoint and where they come from, for the screen and the metrics.
    func limits(of index: Int) -> EndpointLimits {
        let slot = slots[index]
        var limits = EndpointLimits()
        limits.rate = slot.rate.rate
        limits.rateSource = slot.rate.source
        limits.inFlightCap = slot.cap
        limits.capIsAuto = slot.concurrency != nil
        limits.baselineLatency = slot.concurrency?.baseline
        limits.headersDistrusted = slot.rate.headersDistrusted
        return limits
    }

    /// The connections an endpoint's pool may hold: its cap, within the global one.
    public func connectionCap(of index: Int) -> Int {
        min(slots[index].cap ?? maxInFlight, maxInFlight)
    }

    /// Sets the global in-flight cap by hand (`auto` ends for it; endpoints keep their own caps).
    public mutating func setMaxInFlight(_ value: Int) {
        maxInFlight = max(1, value)
        inFlightIsAuto = false
    }

    /// Sets an endpoint's in-flight cap by hand: a fixed cap stays fixed, an automatic one goes on
    /// learning from the new value.
    public mutating func setMaxInFlight(_ value: Int, endpoint: Int, now: Double) {
        guard slots.indices.contains(endpoint) else { return }
        if slots[endpoint].concurrency != nil {
            slots[endpoint].concurrency?.set(value, now: now)
        } else {
            slots[endpoint].maxInFlight = max(1, value)
        }
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
