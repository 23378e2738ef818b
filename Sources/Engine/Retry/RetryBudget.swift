/// Caps retries at a share of first attempts over a sliding window, so an error storm cannot
/// multiply the load on a sick endpoint: retries may be at most 20 % of first attempts over the
/// last 10 s, or 10 per second, whichever is more. Retries beyond it wait.
public struct RetryBudget: Sendable, Hashable {
    public static let window = 10.0
    public let ratio: Double
    public let floorPerSecond: Double
    private var firstAttempts = RateMeter(bucketWidth: 1, buckets: 12)
    private var retries = RateMeter(bucketWidth: 1, buckets: 12)

    public init(ratio: Double = 0.2, floorPerSecond: Double = 10) {
        self.ratio = ratio
        self.floorPerSecond = floorPerSecond
    }

    public mutating func recordFirstAttempt(at now: Double) { firstAttempts.add(at: now) }
    public mutating func recordRetry(at now: Double) { retries.add(at: now) }

    /// Whether one more retry fits in the budget now.
    public func allowsRetry(at now: Double) -> Bool {
        let spent = count(retries, at: now)
        let allowed = max(floorPerSecond * Self.window, ratio * count(firstAttempts, at: now))
        return spent < allowed
    }

    /// Events in the window ending now, the current partial second included.
    private func count(_ meter: RateMeter, at now: Double) -> Double {
        meter.series(count: Int(Self.window), at: now + meter.bucketWidth).reduce(0, +) * meter.bucketWidth
    }
}
