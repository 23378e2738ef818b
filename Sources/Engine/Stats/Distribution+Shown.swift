extension Distribution {
    /// The bins worth showing: from one below the first count to one above the last, at least
    /// `minimum` wide.
    public static func shownBins(_ counts: [Int], minimum: Int = 8) -> ClosedRange<Int>? {
        guard let first = counts.firstIndex(where: { $0 > 0 }), let last = counts.lastIndex(where: { $0 > 0 }) else { return nil }
        var low = max(0, first - 1)
        var high = min(counts.count - 1, last + 1)
        while high - low < minimum - 1 {
            if low > 0 { low -= 1 }
            if high - low < minimum - 1, high < counts.count - 1 { high += 1 }
            if low == 0, high == counts.count - 1 { break }
        }
        return low...high
    }
}
