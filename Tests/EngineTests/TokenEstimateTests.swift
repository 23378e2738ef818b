import Testing
@testable import Engine

@Suite struct TokenEstimateTests {
    /// Prompt characters / 4, rounded up, plus max_tokens; text parts count too.
    @Test func charactersOverFourPlusBudget() throws {
        let chat = try JSONParser.parse(Array(#"{"messages":[{"role":"system","content":"abcd"},{"role":"user","content":[{"type":"text","text":"efghi"}]}],"max_tokens":100}"#.utf8))
        #expect(TokenEstimate.tokens(for: chat) == 3 + 100)
        let completion = try JSONParser.parse(Array(#"{"prompt":"12345678","max_completion_tokens":7}"#.utf8))
        #expect(TokenEstimate.tokens(for: completion) == 2 + 7)
        #expect(TokenEstimate.tokens(for: .object([])) == 0)
    }

    /// Characters, not bytes: "héllo wörld" is 11 characters however it is encoded.
    @Test func countsCharactersNotBytes() throws {
        let body = try JSONParser.parse(Array(#"{"messages":[{"role":"user","content":"héllo wörld"}]}"#.utf8))
        #expect(TokenEstimate.tokens(for: body) == 3)
    }

    /// Records carry their estimate from the body they send.
    @Test func recordsCarryTheirEstimate() {
        let item = InputLine.classify(Array(#"{"input":"abcdefgh"}"#.utf8), line: 1, defaults: RequestDefaults(maxTokens: 10))
        guard case .record(let record) = item else { Issue.record("not a record"); return }
        #expect(record.estimatedTokens == 2 + 10)
    }
}
