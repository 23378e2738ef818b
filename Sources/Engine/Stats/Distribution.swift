import Foundation

/// Durations counted in log-spaced bins, for drawing a distribution.
///
/// 32 bins per decade from 1 ms to 1,000 s (one bin is ×1.075), plus one below and one above, so a
/// report shows a distribution's shape; a narrow chart regroups them (`counts(perDecade:)`).
/// Recording is one logarithm, so it costs about as much as a histogram record.
public struct Distribution: Sendable, Hashable {
    public static let binsPerDecade = 32
    /// The lower edge of the first regular bin, seconds.
    public static let floor = 0.001
    static let decades = 6

    /// Counts per bin: [0] below `floor`, then the regular bins, then the overflow.
    public private(set) var counts = Array(repeating: 0, count: binsPerDecade * decades + 2)
    public private(set) var total = 0

    public init() {}

    /// Counts at this type's bins (as `counts` holds them); nil when there are not that many.
    public init?(counts: [Int]) {
        guard counts.count == self.counts.count, counts.allSatisfy({ $0 >= 0 }) else { return nil }
        self.counts = counts
        total = counts.reduce(0, &+)
    }

    /// Adds another distribution's counts, bin by bin.
    public mutating func add(_ other: Distribution) {
        for index in counts.indices { counts[index] &+= other.counts[index] }
        total &+= other.total
    }

    public mutating func record(_ seconds: Double) {
        counts[Self.bin(of: seconds)] += 1
        total += 1
    }

    /// The bin of `seconds` at `perDecade` bins a decade.
    public static func bin(of seconds: Double, perDecade: Int = binsPerDecade) -> Int {
        guard seconds >= floor else { return 0 }
        guard seconds.isFinite else { return perDecade * decades + 1 }
        let position = log10(seconds / floor) * Double(perDecade)
        return min(perDecade * decades + 1, 1 + Int(position))
    }

    /// The lower edge of bin `index` in seconds (0 for the first), at `perDecade` bins a decade.
    public static func lowerEdge(of index: Int, perDecade: Int = binsPerDecade) -> Double {
        index == 0 ? 0 : floor * pow(10, Double(index - 1) / Double(perDecade))
    }

    /// The counts regrouped at `perDecade` bins a decade (a divisor of `binsPerDecade`), under- and
    /// overflow kept: for a chart with fewer columns than bins.
    public func counts(perDecade: Int) -> [Int] {
        let group = max(1, Self.binsPerDecade / perDecade)
        guard group > 1 else { return counts }
        var grouped = Array(repeating: 0, count: perDecade * Self.decades + 2)
        grouped[0] = counts[0]
        for index in 1..<(counts.count - 1) { grouped[1 + (index - 1) / group] += counts[index] }
        grouped[grouped.count - 1] = counts[counts.count - 1]
        return grouped
    }

    /// The value below which `percent` of the counts fall, at the upper edge of its bin (nil when empty).
    public func percentile(_ percent: Double) -> Double? {
        guard total > 0 else { return nil }
        let wanted = max(1, Int((Double(total) * percent / 100).rounded(.up)))
        var running = 0
        for (index, count) in counts.enumerated() {
            running += count
            if running >= wanted { return Self.lowerEdge(of: index + 1) }
        }
        return Self.lowerEdge(of: counts.count)
    }
}
