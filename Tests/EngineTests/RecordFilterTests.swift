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

    /// A line without an id whose number an earlier line names as its id repeats that id, and so does
    /// an id naming an earlier line's number; a line naming its own number is checked like any id.
    @Test func lineNumberIDsCollideWithNamedIDs() {
        var filter = RecordFilter()
        guard case .send = filter.admit(item(#"{"id":"5","input":"a"}"#, line: 2)) else { Issue.record("line 2 not sent"); return }
        guard case .send = filter.admit(item(#"{"input":"b"}"#, line: 3)) else { Issue.record("line 3 not sent"); return }
        guard case .reject(let five) = filter.admit(item(#"{"input":"c"}"#, line: 5)) else { Issue.record("line 5 sent as id 5"); return }
        #expect(five.id == "5" && five.line == 5 && five.reason.contains("duplicate id \"5\""))
        guard case .reject(let three) = filter.admit(item(#"{"custom_id":"3","input":"d"}"#, line: 6)) else {
            Issue.record("a named id equal to an earlier line's number was sent"); return
        }
        #expect(three.line == 6)
        guard case .send = filter.admit(item(#"{"id":7,"input":"e"}"#, line: 7)) else { Issue.record("own number not sent"); return }
        guard case .reject = filter.admit(item(#"{"id":"7","input":"f"}"#, line: 8)) else { Issue.record("repeat of own number sent"); return }
        #expect(RecordFilter.lineNumber("05") == nil && RecordFilter.lineNumber("12") == 12 && RecordFilter.lineNumber("x1") == nil)
    }

    /// On resume, a refused line is done only if its own line was written: the error record of a repeat
    /// never stands in for the line it repeats, whose id it carries.
    @Test func refusedRecordsDoNotStandInForTheOriginal() {
        var ids = IDSet()
        ids.insert("Y")
        var filter = RecordFilter(finished: FinishedRecords(ids: ids, refusedLines: [2]))
        guard case .send(let first) = filter.admit(item(#"{"input":"first","id":"X"}"#, line: 1)) else {
            Issue.record("the original was skipped"); return
        }
        #expect(first.line == 1)
        #expect(filter.admit(item(#"{"input":"second","id":"X"}"#, line: 2)) == .alreadyDone)
        guard case .reject = filter.admit(item(#"{"input":"third","id":"X"}"#, line: 3)) else { Issue.record("third repeat sent"); return }
        #expect(filter.admit(item(#"{"input":"y","id":"Y"}"#, line: 4)) == .alreadyDone)
        guard case .reject = filter.admit(item("{bad", line: 5)) else { Issue.record("an unwritten bad line was skipped"); return }
    }

    /// Fingerprints tell a million distinct ids apart.
    @Test func fingerprintsAreDistinct() {
        var set = IDSet()
        for index in 0..<1_000_000 { set.insert("req-\(index)") }
        #expect(set.count == 1_000_000)
        #expect(set.contains("req-999999") && !set.contains("req-1000000"))
    }
}
