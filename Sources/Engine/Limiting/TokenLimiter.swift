/// A tokens-per-minute limit in GCRA form: each request pushes the next start back by its tokens'
/// share of the minute, so the budget is spent evenly.
///
/// There is no initial bucket: a fresh run may spend 1/60 of the minute's budget in its first
/// second, plus the one request that crosses the line (a full minute's bucket at the start, as the
/// OpenAI cookbook script keeps, is what sets off the provider's own 429s). Times are seconds on a
/// monotonic clock; 0 tokens per minute means no limit.
public struct TokenLimiter: Sendable, Hashable {
    public private(set) var perMinute: Double
    private var theoreticalArrival: Double

    public init(perMinute: Double, now: Double = 0) {
        self.perMinute = max(0, perMinute)
        theoreticalArrival = now
    }

    public var isLimited: Bool { perMinute > 0 }

    /// When the next request may start, whatever its size (its tokens are charged after it).
    public func earliestAdmission(now: Double) -> Double {
        isLimited ? max(now, theoreticalArrival) : now
    }

    /// Charges `tokens` at `now`. Call only when `earliestAdmission(now:) <= now`.
    public mutating func admit(tokens: Int, now: Double) {
        guard isLimited else { return }
        theoreticalArrival = max(theoreticalArrival, now) + seconds(for: tokens)
    }

    /// Corrects an earlier charge by what the answer reported (`actual - estimated` tokens, either way).
    public mutating func reconcile(estimated: Int, actual: Int) {
        guard isLimited else { return }
        // Usage from a server may be absurd: held to a day's worth, so the limiter never stalls for ever.
        theoreticalArrival += min(86_400, seconds(for: actual.saturatingSubtracting(estimated)))
    }

    private func seconds(for tokens: Int) -> Double { Double(tokens) * 60 / perMinute }
}
