import Testing
@testable import Engine

@Suite struct JSONParserTests {
    /// Objects keep key order and numbers keep their exact text through a parse/encode round trip.
    @Test func roundTripIsLossless() throws {
        let text = #"{"z":1,"a":0.40,"big":12345678901234567890,"s":"é\n\"q\"","arr":[true,false,null],"o":{}}"#
        let value = try JSONParser.parse(text)
        #expect(value.encodedString == text)
        #expect(value["a"] == .number("0.40"))
    }

    /// Escapes, including surrogate pairs, decode to the right characters.
    @Test func decodesEscapes() throws {
        let value = try JSONParser.parse(#""a\u00e9\ud83d\ude00\t\/""#)
        #expect(value == .string("aé😀\t/"))
    }

    /// Malformed documents are rejected with a reason, never a crash.
    @Test(arguments: ["", "{", "{\"a\" 1}", "[1,]", "tru", "01", "1.", "\"abc", "{} x", "\"\u{01}\"", "\"\\ud800\""])
    func rejectsMalformed(_ text: String) {
        #expect(throws: JSONParseError.self) { try JSONParser.parse(text) }
    }

    /// Invalid UTF-8 inside a string is an error, not a replacement character.
    @Test func rejectsInvalidUTF8() {
        let bytes: [UInt8] = [0x22, 0xFF, 0xFE, 0x22]
        #expect(throws: JSONParseError.self) { try JSONParser.parse(bytes) }
    }

    /// Nesting beyond the limit is refused instead of overflowing the stack.
    @Test func limitsDepth() {
        let deep = String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
        #expect(throws: JSONParseError.self) { try JSONParser.parse(deep) }
    }

    /// Control characters in strings are escaped so an encoded value never spans two lines.
    @Test func encodingEscapesControlCharacters() {
        let value = JSONValue.string("a\nb\r\u{01}")
        #expect(value.encodedString == #""a\nb\r\u0001""#)
        #expect(!value.encodedString.contains("\n"))
    }
}
