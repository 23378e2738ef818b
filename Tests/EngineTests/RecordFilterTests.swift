import Testing
@testable import Engine

@Suite struct RecordFilterTests {
    func item(_ text: String, line: Int) -> SourceItem { InputLine.classify(Array(text.utf8), line: line, defaults: RequestDefaults()) }

    /// Ids an earlier run finished are skipped; a repeated named id becomes an error record; line ids pass.
    @Test func skipsDoneAndRejectsDuplicates() {
        var done = IDSet()
        done.insert("a")
        done.insert("3")
        var filter = RecordFilter(alreadyDone: done)
        #expect(filter.admit(item(#"{"custom_id":"a","input":"x"}"#, line: 1)) == .alreadyDone)
        guard case .send = filter.admit(item(#"{"custom_id":"b","input":"x"}"#, line: 2)) else { Issue.record("b not sent"); return }
        guard case .reject(let duplicate) = filter.admit(item(#"{"custom_id":"b","input":"y"}"#, line: 5)) else {
            Issue.record("duplicate sent"); return
        }
        #expect(duplicate.line == 5 && duplicate.reason.contains("duplicate id \"b\""))
        #expect(filter.admit(item(#"{"input":"z"}"#, line: 3)) == .alreadyDone)
        guard case .send = filter.admit(item(#"{"input":"z"}"#, line: 4)) else { Issue.record("line id not sent"); return }
        #expect(filter.admit(item("{bad", line: 3)) == .alreadyDone)
    }

    /// Fingerprints tell a million distinct ids apart.
    @Test func fingerprintsAreDistinct() {
        var set = IDSet()
        for index in 0..<1_000_000 { set.insert("req-\(index)") }
        #expect(set.count == 1_000_000)
        #expect(set.contains("req-999999") && !set.contains("req-1000000"))
    }
}
