/// Passive outlier detection for one endpoint: ejection after consecutive failures, a cooldown
/// that doubles on repeat (1 s … 60 s), then one probe request (half-open) before full traffic.
///
/// Only failures that say the endpoint is sick count: connection errors, timeouts and 5xx. A 429
/// cools an endpoint for its Retry-After instead (see `Scheduler`). Failures of requests that were
/// already in flight when the endpoint was ejected do not extend the ejection.
public struct EndpointHealth: Sendable, Hashable {
    public static let shortestEjection = 1.0
    public static let longestEjection = 60.0

    /// Consecutive endpoint failures that eject it.
    public let threshold: Int
    public private(set) var consecutiveFailures = 0
    /// When the current ejection ends (0: not ejected). Past it the endpoint is half-open.
    public private(set) var ejectedUntil: Double = 0
    public private(set) var ejections = 0
    /// A half-open probe is in flight.
    public private(set) var probing = false
    /// Since when every result from here has been an endpoint failure (nil: its last result was an
    /// answer of any status but 5xx, or there was none yet).
    public private(set) var failingSince: Double?
    /// The last endpoint failure, for the message that ends a run no endpoint answers.
    public private(set) var lastFailure: EngineError?

    public init(threshold: Int = Defaults.ejectAfter) {
        self.threshold = max(1, threshold)
    }

    /// May a request go to this endpoint now? Not while ejected; while half-open, one at a time.
    public func isUsable(now: Double) -> Bool {
        if ejectedUntil == 0 { return true }
        return now >= ejectedUntil && !probing
    }

    public func isEjected(now: Double) -> Bool { ejectedUntil > now }
    public func isHalfOpen(now: Double) -> Bool { ejectedUntil > 0 && now >= ejectedUntil }

    /// A request was sent here (a half-open one is the probe).
    public mutating func dispatched(now: Double) {
        if isHalfOpen(now: now) { probing = true }
    }

    /// An answer came back: a success from the probe (or any success after the ejection) restores it.
    public mutating func succeeded(now: Double) {
        consecutiveFailures = 0
        failingSince = nil
        guard ejectedUntil > 0, now >= ejectedUntil else { return }
        ejectedUntil = 0
        ejections = 0
        probing = false
    }

    /// A request here failed. Returns true when the endpoint is ejected by it.
    ///
    /// - Parameters:
    ///   - error: the failure; only `isEndpointFailure` ones count.
    ///   - isLastUsable: no other endpoint can take traffic; then a 5xx alone never ejects this one
    ///     (it keeps being tried at the limited rate), though connection failures and timeouts do.
    public mutating func failed(_ error: EngineError, now: Double, isLastUsable: Bool) -> Bool {
        if error.isEndpointFailure {
            failingSince = failingSince ?? now
            lastFailure = error
        } else {
            failingSince = nil
        }
        guard !isEjected(now: now) else { return false }
        let wasProbe = isHalfOpen(now: now)
        if wasProbe { probing = false }
        guard error.isEndpointFailure else { return false }
        consecutiveFailures += 1
        guard wasProbe || consecutiveFailures >= threshold else { return false }
        if isLastUsable && (error.status ?? 0) >= 500 { return false }
        ejections += 1
        var cooldown = Self.shortestEjection
        for _ in 1..<ejections where cooldown < Self.longestEjection { cooldown *= 2 }
        ejectedUntil = now + min(cooldown, Self.longestEjection)
        consecutiveFailures = 0
        return true
    }
}
