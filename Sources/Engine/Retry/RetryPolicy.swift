/// Decides whether a failed attempt is tried again, and after how long.
///
/// Backoff is `min(cap, base · 2^(attempt-1))` seconds with full jitter (a uniform draw from zero
/// to that bound), which spreads a burst of failures instead of retrying it in lockstep. A server's
/// `Retry-After` replaces the backoff. Non-retryable errors and the last attempt give up.
public struct RetryPolicy: Sendable, Hashable {
    public enum Decision: Sendable, Hashable {
        case retry(after: Double)
        case giveUp
    }

    /// Attempts per record, the first one included.
    public var maxAttempts: Int
    public var base: Double
    public var cap: Double

    public init(maxAttempts: Int, base: Double = 0.5, cap: Double = 30) {
        self.maxAttempts = maxAttempts
        self.base = base
        self.cap = cap
    }

    /// - Parameter attempt: how many attempts have been made, the failed one included (1 after the first).
    public func decide(attempt: Int, error: EngineError, using generator: inout some RandomNumberGenerator) -> Decision {
        guard error.isRetryable, attempt < maxAttempts else { return .giveUp }
        if let retryAfter = error.retryAfter { return .retry(after: retryAfter) }
        return .retry(after: jitteredBackoff(attempt: attempt, using: &generator))
    }

    /// A uniform draw from zero to `backoffBound(attempt:)` (full jitter).
    public func jitteredBackoff(attempt: Int, using generator: inout some RandomNumberGenerator) -> Double {
        Double.random(in: 0...backoffBound(attempt: attempt), using: &generator)
    }

    /// The upper bound of the jittered wait after `attempt` attempts.
    public func backoffBound(attempt: Int) -> Double {
        let exponent = max(0, min(attempt - 1, 62))
        return min(cap, base * Double(1 << exponent))
    }
}
