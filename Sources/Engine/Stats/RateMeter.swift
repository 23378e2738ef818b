/// Counts events in fixed time buckets over a sliding window, for rates and sparklines.
///
/// Times are seconds on a monotonic clock. Buckets older than the window are recycled as time moves,
/// so memory is fixed whatever the run's length.
public struct RateMeter: Sendable, Hashable {
    public let bucketWidth: Double
    private var counts: [Int]
    /// The index (time / width) of the newest bucket.
    private var newest: Int = 0

    public init(bucketWidth: Double, buckets: Int) {
        self.bucketWidth = bucketWidth
        counts = Array(repeating: 0, count: buckets)
    }

    public mutating func add(_ count: Int = 1, at now: Double) {
        advance(to: now)
        counts[newest % counts.count] = counts[newest % counts.count].saturatingAdding(count)
    }

    /// Events per second over the last `window` seconds (the current, partial bucket excluded when
    /// older ones cover the window, so a fresh bucket does not drag the figure down).
    public func rate(over window: Double, at now: Double) -> Double {
        var copy = self
        copy.advance(to: now)
        let wanted = min(counts.count - 1, max(1, Int((window / bucketWidth).rounded())))
        let current = Int(saturating: now / bucketWidth)
        var total = 0
        var used = 0
        for offset in 1...wanted where current - offset >= 0 {
            total = total.saturatingAdding(copy.counts[(current - offset) % counts.count])
            used += 1
        }
        if used == 0 {
            let partial = now - Double(current) * bucketWidth
            return partial > 0 ? Double(copy.counts[current % counts.count]) / partial : 0
        }
        return Double(total) / (Double(used) * bucketWidth)
    }

    /// Per-second rates of the last `count` whole buckets, oldest first (zeros before the start).
    public func series(count: Int, at now: Double) -> [Double] {
        var copy = self
        copy.advance(to: now)
        let current = Int(saturating: now / bucketWidth)
        return (1...max(1, min(count, counts.count - 1))).reversed().map { offset in
            current - offset < 0 ? 0 : Double(copy.counts[(current - offset) % counts.count]) / bucketWidth
        }
    }

    private mutating func advance(to now: Double) {
        let target = max(0, Int(saturating: now / bucketWidth))
        guard target > newest else { return }
        let steps = min(target - newest, counts.count)
        for step in 1...steps { counts[(newest + step) % counts.count] = 0 }
        newest = target
    }
}
