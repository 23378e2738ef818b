/// One endpoint's share of the scheduler's decisions: its load, its in-flight cap, its cooldown and
/// the limits it taught (rate, tokens, the provider's headers).
///
/// A plain value with `now` passed in. The scheduler asks it whether a request may go (`isOpen`),
/// tells it one went (`admit`) and came back (`release`), and hands it what an answer or a failure
/// teaches (`EndpointSlot+Learning`).
struct EndpointSlot: Sendable {
    private(set) var inFlight = 0
    /// A fixed cap (`max_in_flight`, or one set by key); nil for none or when `concurrency` rules.
    private(set) var maxInFlight: Int?
    /// The automatic cap (`max_in_flight: auto`).
    var concurrency: ConcurrencyLimit?
    private(set) var coolingUntil: Double = 0
    private(set) var coolingReason = EndpointStatus.CoolingReason.tooManyRequests
    /// The endpoint's own request limit: configured, learned from 429s or from its headers.
    var rate: LearnedRate
    private(set) var tokens: TokenLimiter
    /// The endpoint's configured tokens per minute (0: none), for this shard's share of it alone.
    private let configuredTokensPerMinute: Double
    /// Estimated tokens of the requests in flight here.
    private(set) var tokensInFlight = 0
    /// What the endpoint's last `x-ratelimit-*` headers said.
    var provider: ProviderRateLimits?
    /// The window of an allowance announced without a reset time.
    var window = AllowanceWindow()
    /// 429s since the last answer that carried rate-limit headers.
    var refusalsSinceHeaders = 0

    /// - Parameter automatic: the endpoint finds its own cap (`ConcurrencyLimit`) instead of a fixed one.
    init(_ endpoint: EndpointConfiguration, automatic: Bool, learnsLimits: Bool, now: Double) {
        maxInFlight = automatic ? nil : endpoint.maxInFlight
        concurrency = automatic ? ConcurrencyLimit(now: now) : nil
        rate = LearnedRate(configured: endpoint.requestsPerSecond, isLearning: learnsLimits, now: now)
        tokens = TokenLimiter(perMinute: endpoint.tokensPerMinute ?? 0, now: now)
        configuredTokensPerMinute = endpoint.tokensPerMinute ?? 0
    }

    /// Holds the tokens per minute to this shard's share of the fleet's (`shards` seen) while the
    /// fleet store is gone; nil gives the configured figure back (the fleet's bucket governs again).
    mutating func holdTokenShare(among shards: Int?, now: Double) {
        guard configuredTokensPerMinute > 0 else { return }
        tokens = TokenLimiter(perMinute: configuredTokensPerMinute / Double(max(1, shards ?? 1)), now: now)
    }

    /// The in-flight cap in force here (nil: only the global one).
    var cap: Int? { concurrency?.cap ?? maxInFlight }

    /// When the endpoint's own limits let the next request go (≤ now: now).
    func admission(now: Double) -> Double {
        max(rate.earliestAdmission(now: now), tokens.earliestAdmission(now: now))
    }

    /// Whether a request may go here now: not cooling, below its cap, within its own limits.
    func isOpen(now: Double) -> Bool {
        coolingUntil <= now && inFlight < (cap ?? .max) && admission(now: now) <= now
    }

    /// The times after `now` at which something holding the endpoint back ends.
    func holdEnds(now: Double) -> [Double] { [coolingUntil, admission(now: now)] }

    /// A request carrying an estimated `cost` in tokens went here at `now`.
    mutating func admit(cost: Int, now: Double) {
        rate.admit(now: now)
        tokens.admit(tokens: cost, now: now)
        tokensInFlight += cost
        inFlight += 1
        concurrency?.dispatched(inFlight: inFlight)
    }

    /// A request sent here came back (answered or not).
    mutating func release(cost: Int) {
        inFlight -= 1
        tokensInFlight -= cost
    }

    /// Corrects the token limit by what an answer really used.
    mutating func reconcile(estimated: Int, actual: Int) {
        tokens.reconcile(estimated: estimated, actual: actual)
    }

    /// Keeps the endpoint out of the rotation until `until` (later cooldowns win).
    mutating func cool(until: Double, reason: EndpointStatus.CoolingReason) {
        guard until > coolingUntil else { return }
        coolingUntil = until
        coolingReason = reason
    }

    /// Sets the in-flight cap by hand: a fixed cap stays fixed, an automatic one goes on learning from it.
    mutating func setCap(_ value: Int, now: Double) {
        if concurrency != nil {
            concurrency?.set(value, now: now)
        } else {
            maxInFlight = max(1, value)
        }
    }

    /// Starts finding its own cap, unless it has a fixed one or already finds it.
    mutating func becomeAutomatic(now: Double) {
        guard concurrency == nil, maxInFlight == nil else { return }
        concurrency = ConcurrencyLimit(now: now)
    }

    /// The limits in force here and where they come from, for the screen and the metrics.
    var limits: EndpointLimits {
        var limits = EndpointLimits()
        limits.rate = rate.rate
        limits.rateSource = rate.source
        limits.inFlightCap = cap
        limits.capIsAuto = concurrency != nil
        limits.baselineLatency = concurrency?.baseline
        limits.headersDistrusted = rate.headersDistrusted
        return limits
    }
}
