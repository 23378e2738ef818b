/// Durations as fanout writes them everywhere — the screen, progress lines, logs and messages.
public enum SecondsText {
    /// A wait: `2.4s` below 10 s, then `42s`, `4m 30s`, `59m` (whole minutes from 10 minutes),
    /// `1h 05m`; `–` for NaN.
    public static func wait(_ seconds: Double) -> String {
        guard !seconds.isNaN else { return "–" }
        if seconds < 9.95 { return tenths(max(0, seconds)) + "s" }
        if seconds < 600 || seconds >= 3600 { return duration(seconds) }
        return "\(whole((seconds / 60).rounded(.up)) ?? 0)m"
    }

    /// A length of time, rounded up to whole seconds: `42s`, `4m 05s`, `1h 05m`; `–` when not finite.
    public static func duration(_ seconds: Double) -> String {
        guard let total = whole(seconds.rounded(.up)) else { return "–" }
        if total < 60 { return "\(total)s" }
        if total < 3600 { return "\(total / 60)m \(total % 60 < 10 ? "0" : "")\(total % 60)s" }
        let minutes = total / 60 % 60
        return "\(total / 3600)h \(minutes < 10 ? "0" : "")\(minutes)m"
    }

    /// A number of seconds for a field that names its unit (`delay_s`): `2.4` below 10, `42` above.
    public static func number(_ seconds: Double) -> String {
        seconds < 9.95 ? tenths(max(0, seconds)) : whole(seconds).map(String.init) ?? "–"
    }

    /// One decimal, always shown: `2.0`, `9.9`.
    private static func tenths(_ value: Double) -> String {
        let scaled = whole((value * 10).rounded()) ?? 0
        return "\(scaled / 10).\(scaled % 10)"
    }

    /// `value` as an Int when finite and far from overflowing; nil otherwise.
    static func whole(_ value: Double) -> Int? {
        guard value.isFinite, abs(value) < 9.0e18 else { return nil }
        return Int(value.rounded())
    }
}
