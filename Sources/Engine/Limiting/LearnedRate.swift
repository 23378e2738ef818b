/// One endpoint's request rate as fanout learns it: AIMD on 429s, a per-minute window from headers.
///
/// A 429 (one per round trip: answers to requests sent before the last cut are old news) halves the
/// rate the endpoint was taking and pauses it 1 s, 2 s, 4 s … 60 s while 429s keep coming. While
/// answers succeed and the limit binds, the rate rises by 2 % of the level it was cut from per
/// second: back toward a configured limit, or slowly past the last 429 when none is configured.
/// `x-ratelimit-limit-requests` without a reset header is read as a per-minute allowance and paced
/// evenly. Times are seconds on a monotonic clock.
public struct LearnedRate: Sendable, Hashable {
    /// Where the limit in force comes from.
    public enum Source: String, Sendable, Hashable {
        /// The endpoint's `rps`/`rpm`.
        case configured
        /// Cut by 429s, rising again while answers succeed.
        case learned
        /// `x-ratelimit-limit-requests` per minute.
        case headers
    }

    /// Multiplicative decrease on a 429.
    public static let decrease = 0.5
    /// Additive increase per second, as a share of the level the last cut came from.
    public static let increase = 0.02
    /// The slowest a learned rate goes: one request a minute.
    public static let slowest = 1.0 / 60
    /// The longest pause after repeated 429s, seconds.
    public static let longestPause = 60.0

    /// The endpoint's configured requests per second, nil for none.
    public let configured: Double?
    /// Whether 429s and headers change the rate (`--no_learn_limits` turns it off).
    public let isLearning: Bool
    /// The rate 429s have cut to (rising again), nil while none has come.
    public private(set) var learned: Double?
    /// Requests per second the endpoint's `x-ratelimit-limit-requests` allows (per minute / 60).
    public private(set) var announced: Double?
    private(set) var limiter: RateLimiter
    /// 429 events since the last success: the pause doubles with each.
    private var strikes = 0
    private var lastCut = -Double.infinity
    private var cutFrom = 0.0
    private var lastRise = 0.0
    private var sends = RateMeter(bucketWidth: 1, buckets: 8)

    public init(configured: Double?, isLearning: Bool = true, now: Double = 0) {
        self.configured = configured.flatMap { $0 > 0 ? $0 : nil }
        self.isLearning = isLearning
        limiter = RateLimiter(rate: self.configured ?? 0, now: now)
    }

    /// The limit in force, requests per second (nil: none).
    public var rate: Double? {
        [configured, announced, learned].compactMap { $0 }.min()
    }

    /// Where `rate` comes from (nil: no limit).
    public var source: Source? {
        guard let rate else { return nil }
        if learned == rate { return .learned }
        if announced == rate { return .headers }
        return .configured
    }

    /// The ceiling a learned rate climbs back to (nil: none, it probes upward).
    private var ceiling: Double? { [configured, announced].compactMap { $0 }.min() }

    public func earliestAdmission(now: Double) -> Double { limiter.earliestAdmission(now: now) }

    public mutating func admit(now: Double) {
        limiter.admit(now: now)
        if isLearning { sends.add(at: now) }
    }

    /// A 429 for a request sent at `sentAt`. Returns how long the endpoint should pause (nil: this
    /// 429 answers a request sent before the last cut, which already counted).
    /// - Parameter retryAfter: the server's own wait, which replaces the growing pause.
    public mutating func rateLimited(sentAt: Double, now: Double, retryAfter: Double?) -> Double? {
        guard sentAt >= lastCut else { return nil }
        strikes += 1
        let pause = min(Self.longestPause, Double(1 << min(strikes - 1, 6)))
        if isLearning {
            let measured = sends.rate(over: 5, at: now)
            let level = min(rate ?? .infinity, measured > 0 ? measured : .infinity)
            if level.isFinite {
                cutFrom = level
                learned = max(Self.slowest, level * Self.decrease)
                set(now: now)
            }
        }
        lastCut = now
        lastRise = now
        return retryAfter ?? pause
    }

    /// An answer arrived: the pause resets, and a learned rate that binds rises.
    public mutating func succeeded(now: Double) {
        strikes = 0
        guard let current = learned, now - lastRise >= 1 else { return }
        let elapsed = now - lastRise
        lastRise = now
        // Only a limit the endpoint is actually held to is raised, so a quiet spell cannot build up a burst.
        guard sends.rate(over: 5, at: now) >= current * 0.8 else { return }
        let next = current + Self.increase * max(cutFrom, current) * min(elapsed, 5)
        if let ceiling, next >= ceiling {
            learned = nil
        } else {
            learned = next
        }
        set(now: now)
    }

    /// The endpoint announced `limit` requests per window with no reset time: assume a minute.
    public mutating func announce(perMinute limit: Int, now: Double) {
        guard isLearning, limit > 0 else { return }
        let perSecond = Double(limit) / 60
        guard announced != perSecond else { return }
        announced = perSecond
        if let current = learned, current >= perSecond { learned = nil }
        set(now: now)
    }

    private mutating func set(now: Double) {
        limiter.setRate(rate ?? 0, now: now)
    }
}
