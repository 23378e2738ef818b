import Testing
@testable import Engine

@Suite struct InputSurveyTests {
    func classify(_ lines: [String]) -> [SourceItem] {
        lines.enumerated().map { InputLine.classify(Array($0.element.utf8), line: $0.offset + 1, defaults: RequestDefaults()) }
    }

    /// Records, bad lines and duplicate ids are told apart, with line numbers, and tokens add up.
    @Test func countsWhatARunWouldDo() {
        var survey = InputSurvey()
        classify([#"{"custom_id":"a","input":"abcd"}"#, "{oops", #"{"custom_id":"a","input":"x"}"#, #"{"input":"abcdefgh"}"#])
            .forEach { survey.add($0) }
        #expect(survey.records == 2 && survey.namedIDs == 1 && survey.badLines == 1 && survey.duplicates == 1)
        #expect(survey.examples.map(\.line) == [2, 3])
        #expect(survey.estimatedTokens == 1 + 2)
        #expect(survey.forms[.seed] == 2)
    }

    /// With a shard, other shards' lines are only counted.
    @Test func respectsShards() {
        var survey = InputSurvey(shard: Shard(index: 0, count: 2))
        classify((1...100).map { #"{"input":"p\#($0)"}"# }).forEach { survey.add($0) }
        #expect(survey.records + survey.otherShard == 100 && survey.records > 20 && survey.otherShard > 20)
    }

    /// With the endpoints' APIs given, a line that does not translate and has no endpoint of its own
    /// API is counted apart, named with its line; with an endpoint of its API it would be sent there.
    @Test func findsLinesNoEndpointCanTake() {
        let lines = [#"{"messages":[{"role":"user","content":"q"}],"response_format":{"type":"json_object"}}"#,
                     #"{"custom_id":"b","params":{"model":"m","max_tokens":5,"messages":[{"role":"user","content":"q"}]}}"#]
        var anthropicOnly = InputSurvey(dialects: [.anthropic])
        classify(lines).forEach { anthropicOnly.add($0) }
        #expect(anthropicOnly.records == 1 && anthropicOnly.untranslatable == 1 && anthropicOnly.refused == 1)
        #expect(anthropicOnly.examples.first?.line == 1 && anthropicOnly.examples.first?.reason.contains("response_format") == true)
        #expect(anthropicOnly.forms[.messageBatch] == 1)
        var both = InputSurvey(dialects: [.anthropic, .openAI])
        classify(lines).forEach { both.add($0) }
        #expect(both.records == 2 && both.untranslatable == 0)
    }
}
