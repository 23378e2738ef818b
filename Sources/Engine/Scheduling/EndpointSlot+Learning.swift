extension EndpointSlot {
    /// The longest a provider's reset header may hold an endpoint back, seconds.
    static let maxProviderReset = 600.0

    /// What an answer teaches: the rate may rise (when requests wait for it), the automatic cap
    /// takes the latency.
    mutating func learnFromAnswer(sentAt: Double, now: Double, isHeldBack: Bool) {
        rate.succeeded(now: now, isHeldBack: isHeldBack)
        concurrency?.answered(sentAt: sentAt, now: now)
    }

    /// What a failure teaches: a 429 cuts the rate and pauses the endpoint (its Retry-After, else
    /// 1 s doubling to 60 s); a 503's Retry-After pauses it; overload (timeouts, 5xx, lost
    /// connections) shrinks an automatic cap.
    mutating func learnFromFailure(_ error: EngineError, sentAt: Double, now: Double) {
        if error.isRateLimit { return learnFromRateLimit(error, sentAt: sentAt, now: now) }
        if let wait = error.retryAfter, error.status == 503 { cool(until: now + wait, reason: .unavailable) }
        if error.isEndpointFailure && !error.isNoConnection { concurrency?.overloaded(now: now) }
    }

    private mutating func learnFromRateLimit(_ error: EngineError, sentAt: Double, now: Double) {
        refusalsSinceHeaders += 1
        // A 429 outranks any header: a `remaining` that claimed plenty left (at least half the
        // allowance, beyond what is in flight) lies. It is ignored from now on, and the window it
        // made look short goes back to the assumed minute.
        if headersContradicted {
            rate.distrustHeaders()
            window = AllowanceWindow()
            if let allowance = provider?.limitRequests { rate.announce(allowance, per: window.length, now: now) }
        }
        // Paced by an allowance its headers announced: the window was measured short; lengthen it
        // instead of cutting the rate. One whose headers name a reset is held by them (`observe`):
        // a 429 there is a boundary race, which the pause covers.
        let announced = rate.source == .headers
        let governed = announced || provider?.resetRequests != nil
        let pause = rate.rateLimited(sentAt: sentAt, now: now, retryAfter: error.retryAfter, cuts: !governed)
        // A window measured from `remaining` was measured short: lengthen it. One a 429 already
        // put back to the assumed minute stays there (its 429s are the window's edge).
        if announced, !rate.headersDistrusted, pause != nil, let allowance = provider?.limitRequests {
            window.widen()
            rate.announce(allowance, per: window.length, now: now)
        }
        if let wait = pause ?? error.retryAfter { cool(until: now + wait, reason: .tooManyRequests) }
    }

    /// Whether the last rate-limit headers claimed allowance a 429 just denied: at least half the
    /// announced requests left, and more than the requests in flight could use up — or still
    /// claimed so at a second 429 with no answer between (a burst in flight overrunning an honest
    /// allowance shows `remaining` falling first).
    var headersContradicted: Bool {
        guard let provider, let remaining = provider.remainingRequests, !rate.headersDistrusted else { return false }
        let half = provider.limitRequests.map { ($0 + 1) / 2 } ?? 1
        return remaining >= max(1, half) && (remaining > inFlight || refusalsSinceHeaders >= 2)
    }

    /// Holds the endpoint back when its provider says the requests or tokens left will be used up
    /// by what is already in flight (plus the next request, `nextTokens`): until the reset the
    /// header names. An allowance announced without a reset time paces it instead (`AllowanceWindow`).
    mutating func observe(_ limits: ProviderRateLimits, sentAt: Double, nextTokens: Int, now: Double) {
        // Headers that say the same as before say nothing new: 429s between them keep counting
        // (LiteLLM repeats a `remaining` that never goes down on every answer, between 429s).
        if limits.remainingRequests != provider?.remainingRequests || limits.limitRequests != provider?.limitRequests {
            refusalsSinceHeaders = 0
        }
        provider = limits
        if let remaining = limits.remainingRequests {
            if let reset = limits.resetRequests {
                if remaining <= inFlight, reset > 0, !rate.headersDistrusted {
                    cool(until: now + min(reset, Self.maxProviderReset), reason: .providerLimit)
                }
            } else if let allowance = limits.limitRequests {
                // A `remaining` a 429 contradicted says nothing about the window any more.
                if !rate.headersDistrusted {
                    window.observe(limit: allowance, remaining: remaining, sentAt: sentAt, inFlight: inFlight)
                }
                rate.announce(allowance, per: window.length, now: now)
            }
        }
        if let remaining = limits.remainingTokens, remaining < tokensInFlight + nextTokens, let reset = limits.resetTokens, reset > 0 {
            cool(until: now + min(reset, Self.maxProviderReset), reason: .providerLimit)
        }
    }
}
