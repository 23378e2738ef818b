/// Cumulative duration counts at fixed bounds, the shape a Prometheus histogram exposes.
public struct LatencyBuckets: Sendable, Hashable {
    /// Upper bounds in seconds for whole requests (the last, implicit bucket is +Inf).
    public static let bounds: [Double] = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300]
    /// Upper bounds for the gaps between tokens, which are milliseconds long.
    public static let tokenBounds: [Double] = [0.001, 0.0025, 0.005, 0.01, 0.02, 0.03, 0.05, 0.075, 0.1, 0.25, 0.5, 1, 2.5]

    /// This histogram's upper bounds in seconds.
    public let bounds: [Double]
    /// Observations per bucket: above the previous bound, up to this one.
    private var perBucket: [Int]
    public private(set) var count = 0
    /// Sum of all observations, seconds.
    public private(set) var sum = 0.0

    public init(bounds: [Double] = Self.bounds) {
        self.bounds = bounds
        perBucket = Array(repeating: 0, count: bounds.count)
    }

    public mutating func record(_ seconds: Double) {
        count += 1
        sum += seconds
        // Counts are kept per bucket here and made cumulative on read, so a record touches one slot.
        if let index = bounds.firstIndex(where: { seconds <= $0 }) { perBucket[index] += 1 }
    }

    /// Observations ≤ each bound, cumulative.
    public var cumulativeCounts: [Int] {
        var running = 0
        return perBucket.map { running += $0; return running }
    }
}
