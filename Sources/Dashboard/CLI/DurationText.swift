/// Parses durations as operators write them: `200ms`, `1.5s`, `2m`, or a bare number of seconds.
enum DurationText {
    static func seconds(_ text: String) -> Double? {
        let trimmed = text.lowercased().filter { !$0.isWhitespace }
        let units: [(String, Double)] = [("ms", 0.001), ("us", 0.000_001), ("s", 1), ("m", 60), ("h", 3600)]
        for (suffix, scale) in units where trimmed.hasSuffix(suffix) {
            guard let value = Double(trimmed.dropLast(suffix.count)), value >= 0, value.isFinite else { return nil }
            return value * scale
        }
        guard let value = Double(trimmed), value >= 0, value.isFinite else { return nil }
        return value
    }
}
