/// One endpoint's request rate as fanout learns it: AIMD on 429s, an allowance from headers.
///
/// The first 429 after an answer cuts the rate to half of what the endpoint was taking, or to
/// what it actually let through since the previous cut if that is lower (a fixed window that lets
/// 120 through a minute is a rate of 2/s, however fast the burst was); later 429s of the same run
/// only pause it, 1 s, 2 s, 4 s … 60 s. While answers succeed and the rate holds records back, it
/// rises by 1 % of twice the cut rate per second: back to a configured limit, or slowly past the
/// last 429 when none is configured. `x-ratelimit-limit-requests` without a reset header is paced
/// evenly over its window (`AllowanceWindow`); when a 429 arrives while `remaining` claimed plenty
/// left, a 429 outranks the header: `remaining` is distrusted for good and the limit is paced over
/// the assumed minute, never faster. A 429 before any answer cuts only a rate already in force;
/// with none it pauses the endpoint and sets no rate (there is nothing yet to learn from). Times
/// are seconds on a monotonic clock.
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
    /// Additive increase per second, as a share of twice the rate the last cut set.
    public static let increase = 0.01
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
    /// Twice the rate the last cut set: what the additive increase is a share of.
    private var reference = 0.0
    private var lastRise = 0.0
    /// When the last run of 429s began (or the first request went), and the answers since.
    private var runStart: Double?
    private var answers = 0
    private var sends = RateMeter(bucketWidth: 1, buckets: 8)
    /// An answer has come: until one does, a 429 cuts only a rate already in force.
    private var hasAnswered = false
    /// A 429 came while the endpoint's `remaining` header claimed allowance left: that header is
    /// ignored from then on (the window is no longer measured from it); the announced limit is paced
    /// over the assumed minute.
    public private(set) var headersDistrusted = false

    public init(configured: Double?, isLearning: Bool = true, now: Double = 0) {
        self.configured = configured.flatMap { $0 > 0 ? $0 : nil }
        self.isLearning = isLearning
        limiter = RateLimiter(rate: self.configured ?? 0, now: now)
    }

    /// The limit in force, requests per second (nil: none).
    public var rate: Double? { Self.least(Self.least(Self.least(configured, announced), learned), fleetShare) }

    /// This shard's share of the fleet's rate here while the fleet store is gone (nil: none).
    public private(set) var fleetShare: Double?

    /// Holds the rate to this shard's share of the fleet's (nil: lifts it, the store is back).
    public mutating func holdFleetShare(_ share: Double?, now: Double) {
        fleetShare = share.flatMap { $0 > 0 ? $0 : nil }
        set(now: now)
    }

    /// Where `rate` comes from (nil: no limit).
    public var source: Source? {
        guard let rate else { return nil }
        if learned == rate { return .learned }
        if announced == rate { return .headers }
        return .configured
    }

    /// The ceiling a learned rate climbs back to (nil: none, it probes upward).
    private var ceiling: Double? { Self.least(configured, announced) }

    /// The lower of two limits, either of which may be absent (read on every answer: no array).
    private static func least(_ first: Double?, _ second: Double?) -> Double? {
        guard let first else { return second }
        guard let second else { return first }
        return min(first, second)
    }

    public func earliestAdmission(now: Double) -> Double { limiter.earliestAdmission(now: now) }

    public mutating func admit(now: Double) {
        limiter.admit(now: now)
        guard isLearning else { return }
        sends.add(at: now)
        if runStart == nil { runStart = now }
    }

    /// A 429 for a request sent at `sentAt`. Returns how long the endpoint should pause (nil: this
    /// 429 answers a request sent before the last one counted, so it is old news).
    ///
    /// The first 429 after an answer halves the rate (the one in force, else the rate measured over
    /// the last 5 s); later ones in the same run of 429s only double the pause.
    /// - Parameters:
    ///   - retryAfter: the server's own wait, which replaces the growing pause.
    ///   - cuts: false when the caller corrects an announced allowance instead.
    public mutating func rateLimited(sentAt: Double, now: Double, retryAfter: Double?, cuts: Bool = true) -> Double? {
        guard sentAt >= lastCut else { return nil }
        strikes += 1
        let pause = min(Self.longestPause, Double(1 << min(strikes - 1, 6)))
        // Before any answer only a rate in force can be cut: halving the burst the sends happened to
        // reach would be a rate learned from nothing.
        if isLearning && strikes == 1 && cuts && (hasAnswered || rate != nil) {
            let measured = sends.rate(over: 5, at: now)
            var cut = (rate ?? (measured > 0 ? measured : .infinity)) * Self.decrease
            // What got through since the last change, when enough did over long enough to say.
            if let runStart, answers >= 5, now - runStart >= 5 { cut = min(cut, Double(answers) / (now - runStart) * 0.95) }
            if cut.isFinite {
                learned = max(Self.slowest, cut)
                reference = 2 * max(Self.slowest, cut)
                set(now: now)
            }
            runStart = now
            answers = 0
        }
        lastCut = now
        lastRise = now
        return retryAfter ?? pause
    }

    /// An answer arrived: the pause resets, and a learned rate rises while it holds records back.
    /// - Parameter isHeldBack: records are waiting and this endpoint's rate (not the run's) is what
    ///   keeps them, so a rate nobody needs never builds up into a burst.
    public mutating func succeeded(now: Double, isHeldBack: Bool) {
        strikes = 0
        hasAnswered = true
        answers += 1
        guard let current = learned, now - lastRise >= 1 else { return }
        let elapsed = min(now - lastRise, 2)
        lastRise = now
        guard isHeldBack else { return }
        let next = current + Self.increase * max(reference, current) * elapsed
        if let ceiling, next >= ceiling {
            learned = nil
        } else {
            learned = next
        }
        set(now: now)
    }

    /// The endpoint announced `limit` requests per `window` seconds (a minute is assumed when it
    /// sends no reset time; `AllowanceWindow` finds shorter ones): paced at 98 % of it.
    public mutating func announce(_ limit: Int, per window: Double, now: Double) {
        guard isLearning, limit > 0, window > 0 else { return }
        let perSecond = Double(limit) / window * Self.announcedShare
        guard announced != perSecond else { return }
        announced = perSecond
        if let current = learned, current >= perSecond { learned = nil }
        runStart = now
        answers = 0
        set(now: now)
    }

    /// The endpoint's `remaining` header claimed allowance left and it answered 429: a 429 outranks
    /// any header. From now on `remaining` is ignored; the caller announces the limit again over
    /// the assumed window.
    public mutating func distrustHeaders() {
        headersDistrusted = true
    }

    /// The share of an announced allowance that is used, so windows seen a little off never overrun.
    public static let announcedShare = 0.98

    private mutating func set(now: Double) {
        limiter.setRate(rate ?? 0, now: now)
    }
}
