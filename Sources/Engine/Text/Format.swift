/// Number and duration formatting shared by the summary, progress lines and the dashboard.
public enum Format {
    /// `1234567` → `1,234,567`.
    public static func count(_ value: Int) -> String {
        let digits = String(value.magnitude)
        var out = ""
        for (index, character) in digits.enumerated() {
            if index > 0 && (digits.count - index) % 3 == 0 { out.append(",") }
            out.append(character)
        }
        return value < 0 ? "-" + out : out
    }

    /// A count in at most ~6 characters: `950`, `12.3k`, `134.5k`, `1.2M`.
    public static func compact(_ value: Int) -> String {
        switch value.magnitude {
        case ..<10_000: return count(value)
        case ..<1_000_000: return fixed(Double(value) / 1000, digits: 1) + "k"
        default: return fixed(Double(value) / 1_000_000, digits: 1) + "M"
        }
    }

    /// A rate in requests per second: `812.3`, `2,004`.
    public static func rate(_ value: Double) -> String {
        guard let whole = integer(value), value >= 100 else { return fixed(value, digits: 1) }
        return count(whole)
    }

    /// A latency: `4.2ms`, `182ms`, `3.1s`, `2m05s`; `–` for none.
    public static func latency(_ seconds: Double?) -> String {
        guard let seconds else { return "–" }
        if seconds < 0.00995 { return fixed(seconds * 1000, digits: 1) + "ms" }
        // Rounded first, so 999.6 ms reads 1.0s (not 1000ms) and the unit never flickers at the edge.
        guard let milliseconds = integer(seconds * 1000) else { return "–" }
        if milliseconds < 1000 { return "\(milliseconds)ms" }
        if seconds < 59.95 { return fixed(seconds, digits: 1) + "s" }
        return clock(seconds.rounded())
    }

    /// A wait still to go: `2.4s` below 10 s, `42s` below a minute, `4m 30s` below 10 minutes, then
    /// `59m`, `1h 05m` (rounded up).
    public static func wait(_ seconds: Double) -> String { SecondsText.wait(seconds) }

    /// `mm:ss` below an hour, `h:mm:ss` above.
    public static func clock(_ seconds: Double) -> String {
        let total = max(0, integer(seconds.rounded(.down)) ?? 0)
        let (hours, minutes, secs) = (total / 3600, total / 60 % 60, total % 60)
        let mm = minutes < 10 ? "0\(minutes)" : "\(minutes)"
        let ss = secs < 10 ? "0\(secs)" : "\(secs)"
        return hours > 0 ? "\(hours):\(mm):\(ss)" : "\(mm):\(ss)"
    }

    /// A long span, coarsely: `45s`, `12m 30s`, `3h 05m` (rounded up).
    public static func duration(_ seconds: Double) -> String { SecondsText.duration(seconds) }

    /// A percentage with one decimal: `26.4%`.
    public static func percent(_ fraction: Double) -> String { fixed(fraction * 100, digits: 1) + "%" }

    /// `value` rounded to `digits` decimals, always showing them.
    public static func fixed(_ value: Double, digits: Int) -> String {
        var scale = 1.0
        for _ in 0..<digits { scale *= 10 }
        guard let scaled = integer((abs(value) * scale).rounded()) else { return value.isFinite ? "\(value)" : "–" }
        let whole = scaled / Int(scale)
        var fraction = String(scaled % Int(scale))
        while fraction.count < digits { fraction = "0" + fraction }
        let sign = value < 0 && scaled != 0 ? "-" : ""
        return digits == 0 ? "\(sign)\(whole)" : "\(sign)\(whole).\(fraction)"
    }

    /// A weight: `3`, `1.5`.
    public static func weight(_ value: Double) -> String {
        value == value.rounded() ? integer(value).map(String.init) ?? "\(value)" : fixed(value, digits: 1)
    }

    /// `value` as an Int when it is finite and fits (below 2⁶³ by a margin); nil otherwise, so a
    /// number read from a file or grown by keys can never trap a conversion.
    public static func integer(_ value: Double) -> Int? {
        guard value.isFinite, abs(value) < 9.0e18 else { return nil }
        return Int(value.rounded())
    }

    /// `text` cut or padded to exactly `width` characters (cut text ends in `…`).
    public static func pad(_ text: String, _ width: Int, right: Bool = false) -> String {
        guard width > 0 else { return "" }
        if text.count > width { return String(text.prefix(width - 1)) + "…" }
        let fill = String(repeating: " ", count: width - text.count)
        return right ? fill + text : text + fill
    }

    /// A bin edge: `1.0ms`, `13ms`, `240ms`, `1s`, `1.3s`, `10s`.
    public static func binEdge(_ seconds: Double) -> String {
        if seconds <= 0 { return "0" }
        if seconds < 0.0095 { return Format.fixed(seconds * 1000, digits: 1) + "ms" }
        if seconds < 0.95 { return "\(Int(saturating: (seconds * 1000).rounded()))ms" }
        let whole = abs(seconds - seconds.rounded()) < 0.05
        return seconds < 9.5 && !whole ? Format.fixed(seconds, digits: 1) + "s" : "\(Int(saturating: seconds.rounded()))s"
    }

    /// A gauge's reading: whole numbers as such, fractions (averages) with one digit.
    public static func gauge(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e9 ? compact(Int(value)) : fixed(value, digits: 1)
    }
}
