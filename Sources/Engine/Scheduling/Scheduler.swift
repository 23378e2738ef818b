import DequeModule

/// The engine's decisions in one value: what to send next, where, and when; what a result means.
///
/// It owns the rate limiter, the balancer, the retry queue and every in-flight count, and it never
/// sleeps or reads a clock: the runner passes `now` (seconds on a monotonic clock) and a random
/// generator in, and carries out the `Action` that comes back.
struct Scheduler {
    enum Action: Sendable {
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
    enum Outcome: Sendable {
        case succeeded(ParsedAnswer)
        /// Final: the record goes to the errors file.
        case failed(EngineError)
        /// Another attempt is queued for `at`.
        case willRetry(EngineError, at: Double)
    }

    private(set) var limiter: RateLimiter
    /// The run's tokens-per-minute limit.
    private(set) var tokens: TokenLimiter
    private(set) var balancer: SmoothWeightedBalancer
    let initialWeights: [Double]
    let retryPolicy: RetryPolicy
    /// The global in-flight cap (with `auto`, high enough never to bind: the endpoints' caps do).
    var maxInFlight: Int
    /// `--max_in_flight auto`: the endpoints find their own caps.
    var inFlightIsAuto: Bool
    /// Seconds a record may keep meeting 429s before it fails; 0 counts 429s as failed attempts.
    let rateLimitPatience: Double
    /// Seconds a stop waits for requests in flight before abandoning them.
    let drainTimeout: Double
    /// Seconds every endpoint may fail (connections, timeouts, 5xx) before the run stops as unreachable.
    let unreachableAfter: Double
    /// The run stopped because no endpoint answered for `unreachableAfter` seconds.
    private(set) var stoppedUnreachable = false
    private(set) var inFlight = 0
    private(set) var isPaused = false
    private(set) var isStopping = false
    private(set) var sourceFinished = false
    var slots: [EndpointSlot]
    private(set) var health: [EndpointHealth]
    /// Whether attempts are charged their estimated tokens: a token limit is set, or an endpoint has
    /// sent `x-ratelimit-remaining-tokens`. Otherwise no estimate is ever computed.
    var countsTokens: Bool
    private var budget = RetryBudget()
    private var stoppedAt: Double?
    private var fresh: Deque<RequestRecord> = []
    private var retries = RetryQueue()
    /// Money: prices, what each endpoint cost, the reservations and the cap (`--max_cost`).
    private(set) var spending: Spending
    /// Each endpoint's API: a record that does not translate goes only to endpoints of its own.
    let dialects: [APIDialect]
    /// Batch routes: never sent to in real time (their records go in batches, `BatchBook`).
    let batchRoutes: [Bool]
    /// The fleet's shared rate (`--limits_store`): sends wait for leased tokens; nil without a store.
    var fleetGate: FleetGate?
    /// The last decision was to wait for a lease of the fleet's rate (not for a cap or a cooldown).
    private(set) var waitsForLease = false
    /// Each endpoint's requests and tokens as the fleet shares them (nil: not shared).
    var endpointGates: [FleetGate?] = []
    /// `--fleet_max_cost` through a fleet store: dollars the next send needs beyond this shard's
    /// lease (nil: none), whether they are asked for, and whether the fleet has none left.
    var budgetWanted: Double?
    var budgetAsked = false
    private(set) var budgetExhausted = false
    var tokenGates: [FleetGate?] = []

    /// - Parameters:
    ///   - maxInFlight: the global cap; nil for `auto`, where every endpoint without a fixed cap
    ///     finds its own (`ConcurrencyLimit`).
    ///   - learnsLimits: whether 429s and rate-limit headers change an endpoint's rate (`LearnedRate`).
    init(endpoints: [EndpointConfiguration], rate: Double, maxInFlight: Int?, retryPolicy: RetryPolicy,
                ejectAfter: Int = Defaults.ejectAfter, drainTimeout: Double = Defaults.drainTimeout, tokensPerMinute: Double = 0,
                unreachableAfter: Double = Defaults.unreachableAfter, rateLimitPatience: Double = Defaults.rateLimitPatience,
                learnsLimits: Bool = true, cost: CostConfiguration = CostConfiguration(), now: Double = 0) {
        limiter = RateLimiter(rate: rate, now: now)
        tokens = TokenLimiter(perMinute: tokensPerMinute, now: now)
        initialWeights = endpoints.map(\.weight)
        balancer = SmoothWeightedBalancer(weights: initialWeights)
        slots = endpoints.map { endpoint in
            let automatic = endpoint.adaptiveInFlight || (maxInFlight == nil && endpoint.maxInFlight == nil)
            return EndpointSlot(endpoint, automatic: automatic, learnsLimits: learnsLimits, now: now)
        }
        health = endpoints.map { _ in EndpointHealth(threshold: ejectAfter) }
        countsTokens = tokensPerMinute > 0 || endpoints.contains { ($0.tokensPerMinute ?? 0) > 0 }
        self.maxInFlight = max(1, maxInFlight ?? Defaults.autoInFlightCeiling * max(1, endpoints.count))
        inFlightIsAuto = maxInFlight == nil
        self.rateLimitPatience = rateLimitPatience
        self.retryPolicy = retryPolicy
        self.drainTimeout = drainTimeout
        self.unreachableAfter = unreachableAfter
        spending = Spending(cost, endpoints: endpoints, drainSeconds: drainTimeout, now: now)
        dialects = endpoints.map(\.dialect)
        batchRoutes = endpoints.map { $0.batch != nil }
    }

    /// Records are waiting to go (fresh ones, or retries due).
    func hasBacklog(now: Double) -> Bool {
        !fresh.isEmpty || retries.hasDue(now: now)
    }

    /// The estimated tokens of the next record to go.
    var bufferedTokens: Int { fresh.first?.estimatedTokens ?? 0 }
    /// Records read but not yet sent for the first time.
    var bufferedCount: Int { fresh.count }
    /// Failed records waiting for their next try.
    var pendingRetryCount: Int { retries.count }

    mutating func enqueue(_ records: some Sequence<RequestRecord>) { fresh.append(contentsOf: records) }
    mutating func sourceDidFinish() { sourceFinished = true }

    mutating func pause() { isPaused = true }
    mutating func resume() { isPaused = false }
    /// Stop sending: what is in flight finishes (for up to the drain timeout), nothing new goes out.
    mutating func stop(now: Double) {
        isStopping = true
        stoppedAt = stoppedAt ?? now
    }
    mutating func setRate(_ rate: Double, now: Double) { limiter.setRate(rate, now: now) }
    mutating func setWeight(_ weight: Double, endpoint: Int) {
        guard slots.indices.contains(endpoint) else { return }
        balancer.setWeight(weight, at: endpoint)
    }

    /// What to do at `now`; once every endpoint has only failed for `unreachableAfter`, the run stops.
    mutating func nextAction(now: Double) -> Action {
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
        waitsForLease = false
        let nothingLeft = sourceFinished && fresh.isEmpty && retries.isEmpty
        if inFlight == 0 && (isStopping || nothingLeft) { return .finished }
        if isStopping, let stoppedAt {
            return now >= stoppedAt + drainTimeout ? .abandonInFlight : .wait(until: stoppedAt + drainTimeout)
        }
        if isPaused || inFlight >= maxInFlight { return .wait(until: nil) }

        let retryReady = retries.hasDue(now: now)
        // A resend after a 429 waits for an endpoint's rate, not for the retry budget.
        let retryDue = retryReady && (retries.next?.afterRateLimit == true || budget.allowsRetry(at: now))
        guard retryDue || !fresh.isEmpty else {
            // A retry over budget waits for the window to move on.
            return .wait(until: retryReady ? now + 0.1 : retries.nextDue)
        }

        // Waits for a lease from the fleet store (the core asks for one, ahead of the limiter's
        // wait when tokens are gone); it comes as an event.
        waitsForLease = fleetGate.map { !$0.hasToken(now: now) } ?? false
        let admission = max(limiter.earliestAdmission(now: now), tokens.earliestAdmission(now: now))
        if admission > now { return .wait(until: admission) }
        if waitsForLease { return .wait(until: nil) }

        let previous = retryDue ? retries.next?.previousEndpoint : nil
        let next = retryDue ? retries.next?.record : fresh.first
        let need = countsTokens ? (next?.estimatedTokens ?? 0) : 0
        let fleetAdmits = FleetAdmission(requests: endpointGates, tokens: tokenGates)
        let chosen = balancer.next(avoiding: previous) { index in
            !batchRoutes[index] && slots[index].isOpen(now: now) && health[index].isUsable(now: now) && !spending.outOfFunds[index]
                && (next.map { $0.translates || $0.dialect == dialects[index] } ?? true) && fleetAdmits.admits(index, need: need, now: now)
        }
        guard let endpoint = chosen else { return .wait(until: earliestCoolingEnd(after: now)) }
        var reservation = (dollars: 0.0, promptBound: 0)
        if spending.isCapped, let candidate = next {
            reservation = spending.worstCase(of: candidate, at: endpoint)
            guard spending.allows(reservation.dollars) else {
                // A fleet's cap is leased in parts: wait for more, unless the fleet has none left.
                if spending.leasesBudget, !budgetExhausted {
                    budgetWanted = reservation.dollars
                    return .wait(until: nil)
                }
                return waitOrStopForCap(now: now)
            }
            spending.reserve(reservation.dollars)
        }

        let attempt: Attempt
        if retryDue, let retry = retries.popNext() {
            attempt = retry
        } else {
            attempt = Attempt(record: fresh.removeFirst(), number: 1, previousEndpoint: nil)
        }
        limiter.admit(now: now)
        fleetGate?.use(now: now)
        let cost = countsTokens ? attempt.record.estimatedTokens : 0
        if !endpointGates.isEmpty {
            endpointGates[endpoint]?.use(now: now)
            tokenGates[endpoint]?.use(cost, now: now)
        }
        tokens.admit(tokens: cost, now: now)
        slots[endpoint].admit(cost: cost, now: now)
        if attempt.number == 1 { budget.recordFirstAttempt(at: now) } else if !attempt.afterRateLimit { budget.recordRetry(at: now) }
        health[endpoint].dispatched(now: now)
        inFlight += 1
        return .dispatch(Dispatch(attempt: attempt, endpoint: endpoint, tokens: cost, sentAt: now,
                                  reservedUSD: reservation.dollars, promptBound: reservation.promptBound))
    }

    /// The next request's worst case does not fit under the cap: wait for the answers in flight
    /// (their real cost may leave room), or, with none, stop sending for good.
    private mutating func waitOrStopForCap(now: Double) -> Action {
        if inFlight > 0 { return .wait(until: nil) }
        stopForSpend(.cap, now: now)
        return .finished
    }

    /// Stops sending for money: what is in flight finishes, the rest stays unsent.
    mutating func stopForSpend(_ reason: SpendStop, now: Double) {
        spending.stopSending(reason)
        stop(now: now)
    }

    /// Settles an attempt's money: its reservation released, its usage priced and spent. An answer
    /// reporting more prompt tokens than the bound under a cap stops sending: the cap can then be
    /// passed by at most what is already in flight.
    /// - Parameter byRequestModel: price the request's model whatever model the answer names (a
    ///   batch result is billed as the request asked).
    mutating func charge(_ dispatch: Dispatch, result: Result<ParsedAnswer, EngineError>, now: Double, byRequestModel: Bool = false) -> Spending.Settlement {
        let settlement = switch result {
        case .success(let answer):
            spending.settle(dispatch, usage: answer.usage, answered: true, answerModel: byRequestModel ? nil : answer.answeredModel, now: now)
        case .failure(let error): spending.settle(dispatch, usage: error.usage, answered: false, partialOutput: error.partialOutput, now: now)
        }
        if spending.overReported != nil, !isStopping { stopForSpend(.cap, now: now) }
        return settlement
    }

    /// The model `record` names that a capped run has no price for on some endpoint ("" for none named).
    mutating func unpricedModel(of record: RequestRecord) -> String? {
        guard spending.isCapped else { return nil }
        return spending.unpricedModel(of: record, endpoints: slots.indices)
    }

    /// Hourly endpoints spend for the time passed; sending stops once that reaches the cap.
    mutating func accrueSpend(now: Double) -> [Double] {
        let alerts = spending.accrue(now: now, weights: balancer.weights)
        if spending.hourlySpendReachedCap, !isStopping { stopForSpend(.cap, now: now) }
        return alerts
    }

    /// Takes the result of a dispatched attempt and decides the record's fate.
    /// - Parameter limits: the answer's `x-ratelimit-*` headers, which may slow the endpoint down.
    /// - Parameter spent: what the record's tries cost so far, this one included (carried to a retry).
    mutating func complete(_ dispatch: Dispatch, result: Result<ParsedAnswer, EngineError>,
                                  limits: ProviderRateLimits? = nil, now: Double, spent: Double? = 0,
                                  using generator: inout some RandomNumberGenerator) -> Outcome {
        let estimate = dispatch.tokens
        inFlight -= 1
        slots[dispatch.endpoint].release(cost: estimate)
        if let limits { observe(limits, dispatch: dispatch, now: now) }
        switch result {
        case .success(let answer):
            health[dispatch.endpoint].succeeded(now: now)
            learnFromAnswer(dispatch, now: now)
            if tokens.isLimited || slots[dispatch.endpoint].tokens.isLimited, let actual = answer.totalTokens {
                tokens.reconcile(estimated: estimate, actual: actual)
                slots[dispatch.endpoint].reconcile(estimated: estimate, actual: actual)
            }
            return .succeeded(answer)
        case .failure(let error):
            let othersUsable = slots.indices.contains { index in
                index != dispatch.endpoint && !batchRoutes[index] && balancer.weights[index] > 0 && !health[index].isEjected(now: now)
            }
            if error.isOutOfFunds { return outOfFunds(dispatch, error: error, now: now, spent: spent) }
            // A connection the server had closed, or a stream it refused, before any byte of an
            // answer: the keep-alive race, not the endpoint failing: no health, no overload evidence.
            if error.isUnseenByServer, spendsNoAttempt(dispatch, error) {
                return resendFree(dispatch, error: error, now: now, spent: spent, using: &generator)
            }
            _ = health[dispatch.endpoint].failed(error, now: now, isLastUsable: !othersUsable)
            learnFromFailure(dispatch, error: error, now: now)
            if spendsNoAttempt(dispatch, error) { return resendFree(dispatch, error: error, now: now, spent: spent, using: &generator) }
            if waitsOutRateLimit(error) {
                // The endpoint's capacity, not the record's fault: no attempt is spent, up to the patience.
                let since = dispatch.attempt.rateLimitedSince ?? dispatch.sentAt
                if now - since >= rateLimitPatience { return .failed(error) }
                return requeue(dispatch, error: error, at: now, failures: dispatch.attempt.failures, rateLimitedSince: since, spent: spent)
            }
            let failures = dispatch.attempt.failures + 1
            switch retryPolicy.decide(attempt: failures, error: error, using: &generator) {
            case .giveUp where error.isNoConnection && everyEndpointFailingSince != nil:
                // No endpoint can be reached at all: the record is not at fault. It waits (unsent, so a
                // rerun sends it if the run ends as unreachable) rather than going to the errors file.
                let delay = retryPolicy.jitteredBackoff(attempt: failures, using: &generator)
                return requeue(dispatch, error: error, at: now + delay, failures: failures, rateLimitedSince: dispatch.attempt.rateLimitedSince, spent: spent)
            case .giveUp:
                return .failed(error)
            case .retry(let delay):
                return requeue(dispatch, error: error, at: now + delay, failures: failures, rateLimitedSince: dispatch.attempt.rateLimitedSince, spent: spent)
            }
        }
    }

    /// Whether this failure is a 429 about rate that the record waits out without spending an attempt.
    func waitsOutRateLimit(_ error: EngineError) -> Bool { error.isRateLimit && rateLimitPatience > 0 }

    /// Resends of a record the server did not process that spend no attempt; later ones count.
    static let freeResends = 8

    /// Whether this failure is one the server did not process, resent without spending an attempt.
    func spendsNoAttempt(_ dispatch: Dispatch, _ error: EngineError) -> Bool {
        error.isUnprocessed && dispatch.attempt.freeResends < Self.freeResends
    }

    /// Not processed by the server: sent again through the limiter without spending an attempt, at
    /// once the first time (a keep-alive race), then after a growing wait, so a server refusing
    /// every stream is never flooded.
    private mutating func resendFree(_ dispatch: Dispatch, error: EngineError, now: Double, spent: Double?,
                                     using generator: inout some RandomNumberGenerator) -> Outcome {
        let resends = dispatch.attempt.freeResends
        let delay = resends == 0 ? 0 : retryPolicy.jitteredBackoff(attempt: resends, using: &generator)
        return requeue(dispatch, error: error, at: now + delay, failures: dispatch.attempt.failures,
                       rateLimitedSince: dispatch.attempt.rateLimitedSince, freeResends: resends + 1, spent: spent)
    }

    private mutating func requeue(_ dispatch: Dispatch, error: EngineError, at due: Double, failures: Int, rateLimitedSince: Double?,
                                  freeResends: Int? = nil, spent: Double?) -> Outcome {
        var next = Attempt(record: dispatch.attempt.record, number: dispatch.attempt.number + 1, previousEndpoint: dispatch.endpoint)
        next.spent = spent
        next.failures = failures
        next.freeResends = freeResends ?? dispatch.attempt.freeResends
        next.isFreeResend = next.freeResends > dispatch.attempt.freeResends
        next.rateLimitedSince = rateLimitedSince
        next.afterRateLimit = error.isRateLimit && failures == dispatch.attempt.failures
        retries.insert(next, due: due)
        return .willRetry(error, at: due)
    }

    /// The endpoint's account is out of money (`insufficient_quota`, a spend limit): nothing more
    /// goes there, and the record waits for another endpoint, unsent and with no attempt spent.
    /// When no endpoint in rotation has money left, sending stops as at the cap.
    private mutating func outOfFunds(_ dispatch: Dispatch, error: EngineError, now: Double, spent: Double?) -> Outcome {
        spending.markOutOfFunds(dispatch.endpoint)
        if !slots.indices.contains(where: { balancer.weights[$0] > 0 && !spending.outOfFunds[$0] }) {
            stopForSpend(.providerFunds, now: now)
        }
        return requeue(dispatch, error: error, at: now, failures: dispatch.attempt.failures,
                       rateLimitedSince: dispatch.attempt.rateLimitedSince, spent: spent)
    }

    /// Reserves a batch record's worst case at the batch price under `--max_cost`; nil when it
    /// does not fit (without a cap: nothing to reserve).
    mutating func reserveForBatch(_ record: RequestRecord, at endpoint: Int) -> (dollars: Double, promptBound: Int)? {
        guard spending.isCapped else { return (0, 0) }
        let reservation = spending.worstCase(of: record, at: endpoint)
        guard spending.allows(reservation.dollars) else { return nil }
        spending.reserve(reservation.dollars)
        return reservation
    }

    /// What `usage` would have cost at `endpoint`'s model's real-time price (nil: not priced), for the batch saving.
    mutating func realtimeCost(of record: RequestRecord, usage: JSONValue?, at endpoint: Int) -> Double? {
        guard let tokens = TokenUsage(usage: usage), let price = spending.price(of: record, at: endpoint) else { return nil }
        return tokens.cost(at: price)
    }

    /// The fleet leased `dollars` more of its cap; `exhausted`: it had less than the next send needed.
    mutating func budgetGranted(_ dollars: Double, exhausted: Bool) {
        spending.addBudget(dollars)
        budgetAsked = false
        budgetWanted = nil
        if exhausted { budgetExhausted = true }
    }

    /// Gives back a reservation whose record was not sent after all.
    mutating func release(reserved dollars: Double) {
        guard dollars > 0 else { return }
        spending.release(dollars)
    }

    /// Keeps an endpoint out of the rotation until `until` (later cooldowns win).
    mutating func cool(_ endpoint: Int, until: Double, reason: EndpointStatus.CoolingReason) {
        slots[endpoint].cool(until: until, reason: reason)
    }

    /// When the first endpoint that is cooling down, ejected or held by its own limits comes back
    /// (nil: none is; waiting on in-flight slots or weights instead).
    private func earliestCoolingEnd(after now: Double) -> Double? {
        slots.indices
            .filter { !batchRoutes[$0] && balancer.weights[$0] > 0 && !spending.outOfFunds[$0] }
            .flatMap { slots[$0].holdEnds(now: now) + [health[$0].ejectedUntil] }
            .filter { $0 > now }
            .min()
    }
}
