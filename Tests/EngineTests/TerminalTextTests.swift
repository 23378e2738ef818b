import Testing
@testable import Engine

@Suite struct TerminalTextTests {
    /// Escapes, BEL, backspace, the 8-bit CSI and bidi overrides are shown as visible escapes;
    /// newlines, tabs and ordinary text (accents, emoji) stay.
    @Test func neutralisesControls() {
        let hostile = "503 \u{1B}]0;pwned\u{07}\u{1B}[2J back\u{08} csi\u{9B}31m \u{202E}txt.exe"
        let safe = TerminalText.sanitized(hostile)
        #expect(!safe.unicodeScalars.contains { TerminalText.isUnsafe($0) })
        #expect(safe.contains("\\u{1B}]0;pwned\\u{7}") && safe.contains("\\u{9B}") && safe.contains("\\u{202E}"))
        #expect(TerminalText.sanitized("café ☕\tok\nnext") == "café ☕\tok\nnext")
        #expect(TerminalText.sanitized("a\tb\nc", keepsLayout: false) == "a b c")
    }

    /// JSON output escapes C1 controls, the bidi controls and U+2028/9 as \u sequences (still valid
    /// JSON that parses back to the same text), and leaves other non-ASCII text raw.
    @Test func jsonEscapesInvisibleControls() throws {
        let text = "x\u{9B}y\u{202E}z\u{2028}w\u{2066}é☕\u{1B}"
        let encoded = JSONValue.string(text).encodedString
        #expect(encoded == "\"x\\u009by\\u202ez\\u2028w\\u2066é☕\\u001b\"")
        #expect(try JSONParser.parse(Array(encoded.utf8)).stringValue == text)
    }
}
