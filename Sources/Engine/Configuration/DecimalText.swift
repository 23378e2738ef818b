/// Reads a number the way a person writes one in decimal: `12`, `-0.5`, `1e3`, `.25`.
///
/// Swift's `Double(String)` also takes hexadecimal (`0x10` is 16) and hexadecimal floats, which an
/// operator never means; those are refused here. `inf` and `nan` are taken, so a range check can
/// name the option instead of a parser refusing the text.
public enum DecimalText {
    public static func double(_ text: some StringProtocol) -> Double? {
        let bytes = Array(text.utf8)
        let lowered = String(decoding: bytes, as: UTF8.self).lowercased()
        if ["inf", "+inf", "-inf", "infinity", "+infinity", "-infinity", "nan"].contains(lowered) { return Double(lowered) }
        guard isDecimal(bytes) else { return nil }
        return Double(String(decoding: bytes, as: UTF8.self))
    }

    /// `[+-]? (digits [. digits?] | . digits) ([eE] [+-]? digits)?`
    static func isDecimal(_ bytes: [UInt8]) -> Bool {
        var index = 0
        func digits() -> Int {
            let start = index
            while index < bytes.count, bytes[index] >= UInt8(ascii: "0"), bytes[index] <= UInt8(ascii: "9") { index += 1 }
            return index - start
        }
        if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") { index += 1 }
        var mantissa = digits()
        if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
            index += 1
            mantissa += digits()
        }
        guard mantissa > 0 else { return false }
        if index < bytes.count, bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E") {
            index += 1
            if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") { index += 1 }
            guard digits() > 0 else { return false }
        }
        return index == bytes.count
    }
}
