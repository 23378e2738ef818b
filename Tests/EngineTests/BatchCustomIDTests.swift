import Testing
@testable import Engine

@Suite struct BatchCustomIDTests {
    static func record(_ id: String, line: Int) -> RequestRecord {
        RequestRecord(id: id, line: line, form: .chat, input: .null, body: .object([JSONField("model", "m")]))
    }

    /// An id that fits is kept; one that does not (or that has the derived prefix) becomes fanout-L and its line.
    @Test func keepsFittingIDsAndDerivesTheRest() {
        #expect(BatchCustomID.of(Self.record("req_1-a", line: 3), dialect: .anthropic) == "req_1-a")
        #expect(BatchCustomID.of(Self.record("has space", line: 4), dialect: .anthropic) == "fanout-L4")
        #expect(BatchCustomID.of(Self.record(String(repeating: "a", count: 65), line: 5), dialect: .anthropic) == "fanout-L5")
        #expect(BatchCustomID.of(Self.record("a.b/c", line: 6), dialect: .openAI) == "a.b/c")
        #expect(BatchCustomID.of(Self.record("a.b/c", line: 6), dialect: .anthropic) == "fanout-L6")
        // An id that looks derived is not kept: it could clash with another line's derived id.
        #expect(BatchCustomID.of(Self.record("fanout-L9", line: 2), dialect: .openAI) == "fanout-L2")
        #expect(BatchCustomID.of(Self.record("", line: 7), dialect: .openAI) == "fanout-L7")
    }
}
