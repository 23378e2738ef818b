/// Draws a series as a row of block characters (▁ to █), scaled to the series' maximum.
enum Sparkline {
    static let levels: [Character] = ["▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"]

    /// The last `width` values, one character each; left-padded with spaces when the series is short.
    static func render(_ values: [Double], width: Int) -> String {
        guard width > 0 else { return "" }
        let shown = Array(values.suffix(width))
        let peak = shown.max() ?? 0
        let characters = shown.map { value -> Character in
            guard peak > 0, value > 0 else { return " " }
            let level = Int(saturating: (value / peak * Double(levels.count - 1)).rounded())
            return levels[max(0, min(levels.count - 1, level))]
        }
        return String(repeating: " ", count: width - characters.count) + String(characters)
    }

    /// A progress bar of `width` cells: full blocks, one partial block, then dots.
    static func bar(fraction: Double, width: Int) -> String {
        guard width > 0 else { return "" }
        let clamped = max(0, min(1, fraction.isFinite ? fraction : 0))
        let eighths = Int(saturating: (clamped * Double(width) * 8).rounded(.down))
        let full = eighths / 8
        let partials: [Character] = ["", "▏", "▎", "▍", "▌", "▋", "▊", "▉"].map { $0.first ?? " " }
        var text = String(repeating: "█", count: full)
        if full < width, eighths % 8 > 0 { text.append(partials[eighths % 8]) }
        return text + String(repeating: "·", count: width - text.count)
    }
}
