/// US dollars as fanout writes them on the screen, in lines and in logs.
public enum Money {
    /// `$1.23`; below a dollar up to four decimals (`$0.42`, `$0.175`, `$0.0042`), below a hundredth
    /// of a cent six (`$0.000012`).
    public static func text(_ dollars: Double) -> String {
        guard dollars.isFinite else { return "$?" }
        let value = max(0, dollars)
        guard value < 1, value > 0 else { return "$" + fixed(value, decimals: 2) }
        var text = fixed(value, decimals: value >= 0.0001 ? 4 : 6)
        while text.hasSuffix("0"), text.count > 4 { text.removeLast() }
        return "$" + text
    }

    /// `$0.18`, always cents; with the exact figure after it when cents hide some (`$0.18 ($0.175025)`).
    public static func cents(_ dollars: Double) -> String {
        guard dollars.isFinite else { return "$?" }
        let value = max(0, dollars)
        let rounded = "$" + fixed(value, decimals: 2)
        var exact = fixed(value, decimals: 6)
        while exact.hasSuffix("0"), exact.count > 4 { exact.removeLast() }
        return "$" + exact == rounded ? rounded : "\(rounded) ($\(exact))"
    }

    /// `value` with exactly `decimals` decimals, without Foundation.
    static func fixed(_ value: Double, decimals: Int) -> String {
        var scale = 1.0
        for _ in 0..<decimals { scale *= 10 }
        let scaled = (value * scale).rounded()
        guard scaled.isFinite, abs(scaled) < 9e15 else { return value.isFinite ? String(Int(saturating: value.rounded())) : "\(value)" }
        let whole = Int(scaled) / Int(scale)
        let fraction = String(Int(scaled) % Int(scale))
        guard decimals > 0 else { return String(whole) }
        return "\(whole)." + String(repeating: "0", count: decimals - fraction.count) + fraction
    }
}
