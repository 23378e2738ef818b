import DequeModule
import HeapModule

/// The engine's decisions in one value: what to send next, where, and when; what a result means.
///
/// It owns the rate limiter, the balancer, the retry queue and every in-flight count, and it never
/// sleeps or reads a clock: the runner passes `now` (seconds on a monotonic clock) and a random
/// generator in, and carries out the `Action` that comes back.
public struct Scheduler {
    public enum Action: Sendable {
        /// Send this attempt now, then ask again.
        case dispatch(Dispatch)
        /// Nothing can go before `until` (nil: until a result, a command or more input arrives).
        case wait(until: Double?)
        /// Every record has a final outcome, or a stop was asked for and nothing is in flight.
        case finished
        /// A stop was asked for and the drain timeout has passed with requests still in flight:
        /// abandon them (their records are not written; a resumed run sends them again).
        case abandonInFlight
    }

    /// What a result comes to.
    public enum Outcome: Sendable {
        case succeeded(ParsedAnswer)
        /// Final: the record goes to the errors file.
        case failed(EngineError)
        /// Another attempt is queued for `at`.
        case willRetry(EngineError, at: Double)
    }

    struct Slot: Sendable {
        var inFlight = 0
        /// A fixed cap (`max_in_flight`, or one set by key); nil for none or when `concurrency` rules.
        var maxInFlight: Int?
        /// The automatic cap (`max_in_flight: auto`).
        var concurrency: ConcurrencyLimit?
        var coolingUntil: Double = 0
        var coolingReason = EndpointStatus.CoolingReason.tooManyRequests
        /// The endpoint's own request limit: configured, learned from 429s or from its headers.
        var rate: LearnedRate
        var tokens: TokenLimiter
        /// Estimated tokens of the requests in flight here.
        var tokensInFlight = 0
        /// What the endpoint's last `x-ratelimit-*` headers said.
        var provider: ProviderRateLimits?
        /// The window of an allowance announced without a reset time.
        var window = AllowanceWindow()
        /// 429s since the last answer that carried rate-limit headers.
        var refusalsSinceHeaders = 0

        /// The in-flight cap in force here (nil: only the global one).
        var cap: Int? { concurrency?.cap ?? maxInFlight }

        /// When the endpoint's own limits let the next request go (≤ now: now).
        func admission(now: Double) -> Double {
            max(rate.earliestAdmission(now: now), tokens.earliestAdmission(now: now))
        }
    }

    /// The longest a provider's reset header may hold an endpoint back, seconds.
    public static let maxProviderReset = 600.0

    public private(set) var limiter: RateLimiter
    /// The run's tokens-per-minute limit.
    public private(set) var tokens: TokenLimiter
    public private(set) var balancer: SmoothWeightedBalancer
    public let initialWeights: [Double]
    public let retryPolicy: RetryPolicy
    /// The global in-flight cap (with `auto`, high enough never to bind: the endpoints' caps do).
    public internal(set) var maxInFlight: Int
    /// `--max_in_flight auto`: the endpoints find their own caps.
    public internal(set) var inFlightIsAuto: Bool
    /// Seconds a record may keep meeting 429s before it fails; 0 counts 429s as failed attempts.
    public let rateLimitPatience: Double
    /// Seconds a stop waits for requests in flight before abandoning them.
    public let drainTimeout: Double
    /// Seconds every endpoint may fail (connections, timeouts, 5xx) before the run stops as unreachable.
    public let unreachableAfter: Double
    /// The run stopped because no endpoint answered for `unreachableAfter` seconds.
    public private(set) var stoppedUnreachable = false
    public private(set) var inFlight = 0
    public private(set) var isPaused = false
    public private(set) var isStopping = false
    public private(set) var sourceFinished = false
    var slots: [Slot]
    public private(set) var health: [EndpointHealth]
    /// Whether attempts are charged their estimated tokens: a token limit is set, or an endpoint has
    /// sent `x-ratelimit-remaining-tokens`. Otherwise no estimate is ever computed.
    var countsTokens: Bool
    private var budget = RetryBudget()
    private var stoppedAt: Double?
    private var fresh: Deque<RequestRecord> = []
    private var retries = Heap<PendingRetry>()
    private var sequence: UInt64 = 0

    /// - Parameters:
    ///   - maxInFlight: the global cap; nil for `auto`, where every endpoint without a fixed cap
    ///     finds its own (`ConcurrencyLimit`).
    ///   - learnsLimits: whether 429s and rate-limit headers change an endpoint's rate (`LearnedRate`).
    public init(endpoints: [EndpointConfiguration], rate: Double, maxInFlight: Int?, retryPolicy: RetryPolicy,
                ejectAfter: Int = Defaults.ejectAfter, drainTimeout: Double = Defaults.drainTimeout, tokensPerMinute: Double = 0,
                unreachableAfter: Double = Defaults.unreachableAfter, rateLimitPatience: Double = Defaults.rateLimitPatience,
                learnsLimits: Bool = true, now: Double = 0) {
        limiter = RateLimiter(rate: rate, now: now)
        tokens = TokenLimiter(perMinute: tokensPerMinute, now: now)
        initialWeights = endpoints.map(\.weight)
        balancer = SmoothWeightedBalancer(weights: initialWeights)
        slots = endpoints.map { endpoint in
            let auto = endpoint.adaptiveInFlight || (maxInFlight == nil && endpoint.maxInFlight == nil)
            return Slot(maxInFlight: auto ? nil : endpoint.maxInFlight, concurrency: auto ? ConcurrencyLimit(now: now) : nil,
                        rate: LearnedRate(configured: endpoint.requestsPerSecond, isLearning: learnsLimits, now: now),
                        tokens: TokenLimiter(perMinute: endpoint.tokensPerMinute ?? 0, now: now))
        }
        health = endpoints.map { _ in EndpointHealth(threshold: ejectAfter) }
        countsTokens = tokensPerMinute > 0 || endpoints.contains { ($0.tokensPerMinute ?? 0) > 0 }
        self.maxInFlight = max(1, maxInFlight ?? Defaults.autoInFlightCeiling * max(1, endpoints.count))
        inFlightIsAuto = maxInFlight == nil
        self.rateLimitPatience = rateLimitPatience
        self.retryPolicy = retryPolicy
        self.drainTimeout = drainTimeout
        self.unreachableAfter = unreachableAfter
    }

    /// Records are waiting to go (fresh ones, or retries due).
    func hasBacklog(now: Double) -> Bool {
        !fresh.isEmpty || (retries.min.map { $0.due <= now } ?? false)
    }

    /// The estimated tokens of the next record to go.
    var bufferedTokens: Int { fresh.first?.estimatedTokens ?? 0 }
    /// Records read but not yet sent for the first time.
    public var bufferedCount: Int { fresh.count }
    /// Failed records waiting for their next try.
    public var pendingRetryCount: Int { retries.count }

    public mutating func enqueue(_ records: some Sequence<RequestRecord>) { fresh.append(contentsOf: records) }
    public mutating func sourceDidFinish() { sourceFinished = true }

    public mutating func pause() { isPaused = true }
    public mutating func resume() { isPaused = false }
    /// Stop sending: what is in flight finishes (for up to the drain timeout), nothing new goes out.
    public mutating func stop(now: Double) {
        isStopping = true
        stoppedAt = stoppedAt ?? now
    }
    public mutating func setRate(_ rate: Double, now: Double) { limiter.setRate(rate, now: now) }
    public mutating func setWeight(_ weight: Double, endpoint: Int) {
        guard slots.indices.contains(endpoint) else { return }
        balancer.setWeight(weight, at: endpoint)
    }

    /// What to do at `now`; once every endpoint has only failed for `unreachableAfter`, the run stops.
    public mutating func nextAction(now: Double) -> Action {
        guard !isStopping, let since = everyEndpointFailingSince else { return decide(now: now) }
        let deadline = since + unreachableAfter
        if now >= deadline {
            stoppedUnreachable = true
            stop(now: now)
            return decide(now: now)
        }
        let action = decide(now: now)
        guard case .wait(let until) = action else { return action }
        return .wait(until: min(until ?? deadline, deadline))
    }

    private mutating func decide(now: Double) -> Action {
        let nothingLeft = sourceFinished && fresh.isEmpty && retries.isEmpty
        if inFlight == 0 && (isStopping || nothingLeft) { return .finished }
        if isStopping, let stoppedAt {
            return now >= stoppedAt + drainTimeout ? .abandonInFlight : .wait(until: stoppedAt + drainTimeout)
        }
        if isPaused || inFlight >= maxInFlight { return .wait(until: nil) }

        let retryReady = retries.min.map { $0.due <= now } ?? false
        // A resend after a 429 waits for an endpoint's rate, not for the retry budget.
        let retryDue = retryReady && (retries.min?.attempt.afterRateLimit == true || budget.allowsRetry(at: now))
        guard retryDue || !fresh.isEmpty else {
            // A retry over budget waits for the window to move on.
            return .wait(until: retryReady ? now + 0.1 : retries.min?.due)
        }

        let admission = max(limiter.earliestAdmission(now: now), tokens.earliestAdmission(now: now))
        if admission > now { return .wait(until: admission) }

        let previous = retryDue ? retries.min?.attempt.previousEndpoint : nil
        let chosen = balancer.next(avoiding: previous) { index in
            let slot = slots[index]
            return slot.coolingUntil <= now && slot.inFlight < (slot.cap ?? .max) && slot.admission(now: now) <= now
                && health[index].isUsable(now: now)
        }
        guard let endpoint = chosen else { return .wait(until: earliestCoolingEnd(after: now)) }

        let attempt: Attempt
        if retryDue, let retry = retries.popMin() {
            attempt = retry.attempt
        } else {
            attempt = Attempt(record: fresh.removeFirst(), number: 1, previousEndpoint: nil)
        }
        limiter.admit(now: now)
        let cost = countsTokens ? attempt.record.estimatedTokens : 0
        tokens.admit(tokens: cost, now: now)
        slots[endpoint].rate.admit(now: now)
        slots[endpoint].tokens.admit(tokens: cost, now: now)
        slots[endpoint].tokensInFlight += cost
        if attempt.number == 1 { budget.recordFirstAttempt(at: now) } else if !attempt.afterRateLimit { budget.recordRetry(at: now) }
        health[endpoint].dispatched(now: now)
        inFlight += 1
        slots[endpoint].inFlight += 1
        let endpointInFlight = slots[endpoint].inFlight
        slots[endpoint].concurrency?.dispatched(inFlight: endpointInFlight)
        return .dispatch(Dispatch(attempt: attempt, endpoint: endpoint, tokens: cost, sentAt: now))
    }

    /// Takes the result of a dispatched attempt and decides the record's fate.
    /// - Parameter limits: the answer's `x-ratelimit-*` headers, which may slow the endpoint down.
    public mutating func complete(_ dispatch: Dispatch, result: Result<ParsedAnswer, EngineError>,
                                  limits: ProviderRateLimits? = nil, now: Double,
                                  using generator: inout some RandomNumberGenerator) -> Outcome {
        let estimate = dispatch.tokens
        inFlight -= 1
        slots[dispatch.endpoint].inFlight -= 1
        slots[dispatch.endpoint].tokensInFlight -= estimate
        if let limits { observe(limits, dispatch: dispatch, now: now) }
        switch result {
        case .success(let answer):
            health[dispatch.endpoint].succeeded(now: now)
            learnFromAnswer(dispatch, now: now)
            if tokens.isLimited || slots[dispatch.endpoint].tokens.isLimited, let actual = answer.totalTokens {
                tokens.reconcile(estimated: estimate, actual: actual)
                slots[dispatch.endpoint].tokens.reconcile(estimated: estimate, actual: actual)
            }
            return .succeeded(answer)
        case .failure(let error):
            let othersUsable = slots.indices.contains { index in
                index != dispatch.endpoint && balancer.weights[index] > 0 && !health[index].isEjected(now: now)
            }
            _ = health[dispatch.endpoint].failed(error, now: now, isLastUsable: !othersUsable)
            learnFromFailure(dispatch, error: error, now: now)
            if spendsNoAttempt(dispatch, error) {
                // Not processed by the server: sent again through the limiter, at once the first
                // time (a keep-alive race), then after a growing wait, so a server refusing every
                // stream is never flooded.
                let resends = dispatch.attempt.freeResends
                let delay = resends == 0 ? 0 : retryPolicy.jitteredBackoff(attempt: resends, using: &generator)
                return requeue(dispatch, error: error, at: now + delay, failures: dispatch.attempt.failures,
                               rateLimitedSince: dispatch.attempt.rateLimitedSince, freeResends: resends + 1)
            }
            if waitsOutRateLimit(error) {
                // The endpoint's capacity, not the record's fault: no attempt is spent, up to the patience.
                let since = dispatch.attempt.rateLimitedSince ?? dispatch.sentAt
                if now - since >= rateLimitPatience { return .failed(error) }
                return requeue(dispatch, error: error, at: now, failures: dispatch.attempt.failures, rateLimitedSince: since)
            }
            let failures = dispatch.attempt.failures + 1
            switch retryPolicy.decide(attempt: failures, error: error, using: &generator) {
            case .giveUp where error.isNoConnection && everyEndpointFailingSince != nil:
                // No endpoint can be reached at all: the record is not at fault. It waits (unsent, so a
                // rerun sends it if the run ends as unreachable) rather than going to the errors file.
                let delay = retryPolicy.jitteredBackoff(attempt: failures, using: &generator)
                return requeue(dispatch, error: error, at: now + delay, failures: failures, rateLimitedSince: dispatch.attempt.rateLimitedSince)
            case .giveUp:
                return .failed(error)
            case .retry(let delay):
                return requeue(dispatch, error: error, at: now + delay, failures: failures, rateLimitedSince: dispatch.attempt.rateLimitedSince)
            }
        }
    }

    /// Whether this failure is a 429 about rate that the record waits out without spending an attempt.
    public func waitsOutRateLimit(_ error: EngineError) -> Bool { error.isRateLimit && rateLimitPatience > 0 }

    /// Resends of a record the server did not process that spend no attempt; later ones count.
    public static let freeResends = 8

    /// Whether this failure is one the server did not process, resent without spending an attempt.
    public func spendsNoAttempt(_ dispatch: Dispatch, _ error: EngineError) -> Bool {
        error.isUnprocessed && dispatch.attempt.freeResends < Self.freeResends
    }

    private mutating func requeue(_ dispatch: Dispatch, error: EngineError, at due: Double, failures: Int, rateLimitedSince: Double?,
                                  freeResends: Int? = nil) -> Outcome {
        sequence += 1
        var next = Attempt(record: dispatch.attempt.record, number: dispatch.attempt.number + 1, previousEndpoint: dispatch.endpoint)
        next.failures = failures
        next.freeResends = freeResends ?? dispatch.attempt.freeResends
        next.rateLimitedSince = rateLimitedSince
        next.afterRateLimit = error.isRateLimit && failures == dispatch.attempt.failures
        retries.insert(PendingRetry(due: due, sequence: sequence, attempt: next))
        return .willRetry(error, at: due)
    }

    /// Keeps an endpoint out of the rotation until `until` (later cooldowns win).
    public mutating func cool(_ endpoint: Int, until: Double, reason: EndpointStatus.CoolingReason) {
        guard until > slots[endpoint].coolingUntil else { return }
        slots[endpoint].coolingUntil = until
        slots[endpoint].coolingReason = reason
    }

    /// When the first endpoint that is cooling down, ejected or held by its own limits comes back
    /// (nil: none is; waiting on in-flight slots or weights instead).
    private func earliestCoolingEnd(after now: Double) -> Double? {
        slots.indices
            .filter { balancer.weights[$0] > 0 }
            .flatMap { [slots[$0].coolingUntil, health[$0].ejectedUntil, slots[$0].admission(now: now)] }
            .filter { $0 > now }
            .min()
    }
}
