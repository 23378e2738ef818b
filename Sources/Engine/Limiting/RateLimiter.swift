/// A GCRA rate limiter (the "virtual scheduling" form of a token bucket), driven by a caller's clock.
///
/// Times are seconds on a monotonic clock. Each admission advances the theoretical arrival time by
/// `1/rate`; a request may go when that time, less the burst tolerance, has come. Over any long
/// window the admitted count is `rate × window` plus at most `burst`, so the rate holds exactly no
/// matter how late the caller wakes (within the 10 ms tolerance). Rate 0 means unlimited.
public struct RateLimiter: Sendable, Hashable {
    public private(set) var rate: Double
    private var interval: Double
    private var tolerance: Double = 0
    private var theoreticalArrival: Double

    /// - Parameter rate: admissions per second; 0 for no limit.
    public init(rate: Double, now: Double = 0) {
        self.rate = 0
        self.interval = 0
        self.theoreticalArrival = now
        setRate(rate, now: now)
    }

    /// How early an admission may come: 10 ms of credit, so a timer that wakes late is made up for
    /// instead of lost, and at high rates several requests go per wake-up.
    public static let tolerance = 0.01

    /// Admissions that may go back to back after an idle spell.
    public var burst: Int { rate > 0 ? 1 + Int(tolerance / interval) : .max }

    /// When the next admission may happen; a value ≤ `now` means now.
    public func earliestAdmission(now: Double) -> Double {
        rate > 0 ? max(now, theoreticalArrival - tolerance) : now
    }

    /// Records one admission at `now`. Call only when `earliestAdmission(now:) <= now`.
    public mutating func admit(now: Double) {
        guard rate > 0 else { return }
        theoreticalArrival = max(theoreticalArrival, now) + interval
    }

    /// Changes the rate at once: pending credit from a slower rate is not carried over.
    public mutating func setRate(_ newRate: Double, now: Double) {
        rate = max(0, newRate)
        interval = rate > 0 ? 1 / rate : 0
        tolerance = rate > 0 ? Self.tolerance : 0
        theoreticalArrival = min(max(theoreticalArrival, now), now + interval)
    }
}
