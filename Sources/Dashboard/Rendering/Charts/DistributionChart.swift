import Engine

/// A distribution of durations as vertical bars on a log axis, with p50, p90 and p99 marked.
///
/// Pure: a `Distribution` in, styled lines out: `height` rows of bars (eighth blocks give the tops
/// their height), an axis labelled at its ends and at each decade, and a row marking the
/// percentiles (exact ones from the HDR histogram, placed in their bins).
enum DistributionChart {
    /// Bins per decade on the terminal: a few columns each.
    static let perDecade = 8
    static let levels: [Character] = [" ", "▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"]

    static func render(_ distribution: Distribution, marking percentiles: Percentiles, width: Int, height: Int) -> [ScreenLine] {
        guard width >= 10, height >= 1 else { return [] }
        let allCounts = distribution.counts(perDecade: perDecade)
        guard distribution.total > 0, let range = Distribution.shownBins(allCounts) else {
            return [ScreenLine(" no answers yet", .dim)] + Array(repeating: ScreenLine(), count: height + 1)
        }
        let bins = Array(range)
        // Each bin gets the same whole number of columns; what is left pads the right.
        let perBin = max(1, width / bins.count)
        let counts = bins.map { allCounts[$0] }
        let peak = Double(counts.max() ?? 1)
        var lines: [ScreenLine] = []
        for row in (0..<height).reversed() {
            var text = ""
            for count in counts {
                let eighths = Int(saturating: (Double(count) / peak * Double(height * 8)).rounded()) - row * 8
                let level = count > 0 && row == 0 ? max(1, min(8, eighths)) : max(0, min(8, eighths))
                text += String(repeating: levels[level], count: perBin)
            }
            lines.append(ScreenLine(text, .accent))
        }
        lines.append(axis(bins: bins, perBin: perBin, width: width))
        lines.append(marks(percentiles, bins: bins, perBin: perBin, width: width))
        return lines
    }

    /// The axis under the bars: the first bin's lower edge, each decade where its bin starts, the last bin's upper edge.
    static func axis(bins: [Int], perBin: Int, width: Int) -> ScreenLine {
        var characters = Array(repeating: Character(" "), count: width)
        // A label goes only where it and a space on each side are free, so labels never touch.
        func place(_ text: String, at: Int) {
            let label = Array(text)
            guard at >= 0, at + label.count <= width,
                  characters[max(0, at - 1)..<min(width, at + label.count + 1)].allSatisfy({ $0 == " " }) else { return }
            characters.replaceSubrange(at..<at + label.count, with: label)
        }
        if let last = bins.last {
            let end = Format.binEdge(Distribution.lowerEdge(of: last + 1, perDecade: perDecade))
            place(end + "╵", at: bins.count * perBin - end.count - 1)
        }
        if let first = bins.first { place("╵" + Format.binEdge(Distribution.lowerEdge(of: first, perDecade: perDecade)), at: 0) }
        for (position, bin) in bins.enumerated() where position > 0 && (bin - 1) % perDecade == 0 {
            place("╵" + Format.binEdge(Distribution.lowerEdge(of: bin, perDecade: perDecade)), at: position * perBin)
        }
        return ScreenLine(String(characters), .dim)
    }

    /// `▲p50`, `▲p90`, `▲p99` under the bins holding them (a bare `▲` where the label has no room).
    static func marks(_ percentiles: Percentiles, bins: [Int], perBin: Int, width: Int) -> ScreenLine {
        var characters = Array(repeating: Character(" "), count: width)
        for (name, value) in [("p50", percentiles.p50), ("p90", percentiles.p90), ("p99", percentiles.p99)] {
            guard let value, let position = bins.firstIndex(of: Distribution.bin(of: value, perDecade: perDecade)) else { continue }
            let at = min(width - 1, position * perBin + perBin / 2)
            let label = Array("▲" + name)
            if at + label.count <= width, characters[at..<at + label.count].allSatisfy({ $0 == " " }) {
                characters.replaceSubrange(at..<at + label.count, with: label)
            } else if characters[at] == " " {
                characters[at] = "▲"
            }
        }
        return ScreenLine(String(characters), .bold)
    }

    /// `p50 212ms  p90 340ms  p99 1.2s` (empty before the first value).
    static func describe(_ percentiles: Percentiles) -> String {
        [("p50", percentiles.p50), ("p90", percentiles.p90), ("p99", percentiles.p99)]
            .compactMap { name, value in value.map { "\(name) \(Format.latency($0))" } }.joined(separator: "  ")
    }
}
