/// Text made safe for a terminal or a log: no control or bidirectional-override character from a
/// server, an input line or a file reaches the screen raw.
///
/// A server's error body can hold `ESC ]0;…BEL` (retitles the terminal), `ESC[2J` (clears it),
/// backspaces, the 8-bit CSI U+009B, or U+202E (reverses what follows). Each such character is
/// shown as a visible escape (`\u{1B}`) instead; newlines and tabs stay.
public enum TerminalText {
    /// `text` with every C0 control but newline and tab, DEL, every C1 control, and the
    /// bidirectional controls replaced by `\u{…}`; with `keepsLayout` false (a screen cell),
    /// newlines and tabs become spaces.
    public static func sanitized(_ text: String, keepsLayout: Bool = true) -> String {
        guard text.unicodeScalars.contains(where: { isUnsafe($0) || (!keepsLayout && ($0 == "\n" || $0 == "\t")) }) else { return text }
        var result = ""
        result.reserveCapacity(text.utf8.count + 16)
        for scalar in text.unicodeScalars {
            if !keepsLayout && (scalar == "\n" || scalar == "\t") {
                result += " "
            } else if isUnsafe(scalar) {
                result += "\\u{\(String(scalar.value, radix: 16, uppercase: true))}"
            } else {
                result.unicodeScalars.append(scalar)
            }
        }
        return result
    }

    /// Whether `scalar` may act on a terminal instead of being shown: C0 controls but `\n` and
    /// `\t`, DEL, C1 controls, and the bidirectional marks, embeddings, overrides and isolates.
    public static func isUnsafe(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x0A, 0x09: false
        case 0x00..<0x20, 0x7F...0x9F: true
        case 0x061C, 0x200E, 0x200F, 0x202A...0x202E, 0x2066...0x2069: true
        default: false
        }
    }
}
