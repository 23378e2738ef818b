import Testing
@testable import Engine

@Suite struct LineFingerprintTests {
    func item(_ text: String, line: Int) -> SourceItem { InputLine.classify(Array(text.utf8), line: line, defaults: RequestDefaults()) }

    /// The fingerprint ignores a trailing CR, differs for different lines, and round-trips as 16 hex digits.
    @Test func fingerprints() {
        let a = LineFingerprint.of(Array(#"{"input":"a"}"#.utf8))
        #expect(a == LineFingerprint.of(Array("{\"input\":\"a\"}\r".utf8)))
        #expect(a != LineFingerprint.of(Array(#"{"input":"b"}"#.utf8)))
        #expect(LineFingerprint.parse(Array(LineFingerprint.text(a).utf8)) == a && LineFingerprint.text(1).count == 16)
        #expect(item(#"{"input":"a"}"#, line: 1).fingerprint == a)
    }

    /// A record named by its line number is done only while the line is the same line; a different
    /// line at that number is a change; a named id is matched by id alone; records without a
    /// fingerprint (older runs) are trusted as before.
    @Test func resumeChecksTheLine() {
        var ids = IDSet()
        for id in ["1", "2", "named"] { ids.insert(id) }
        let original = LineFingerprint.of(Array(#"{"input":"first"}"#.utf8))
        var filter = RecordFilter(finished: FinishedRecords(ids: ids, fingerprints: [1: original]))
        #expect(filter.admit(item(#"{"input":"first"}"#, line: 1)) == .alreadyDone)
        #expect(filter.admit(item(#"{"input":"no fingerprint kept"}"#, line: 2)) == .alreadyDone)
        #expect(filter.admit(item(#"{"id":"named","input":"edited"}"#, line: 3)) == .alreadyDone)
        var moved = RecordFilter(finished: FinishedRecords(ids: ids, fingerprints: [1: original]))
        #expect(moved.admit(item(#"{"input":"inserted at the top"}"#, line: 1)) == .changed(line: 1))
    }

    /// Save and error records of numbered lines carry `line_fingerprint`; named ones do not; the resume
    /// index reads it back by line.
    @Test func recordsCarryIt() throws {
        guard case .record(let record) = item(#"{"input":"x"}"#, line: 7),
              case .record(let named) = item(#"{"id":"k","input":"x"}"#, line: 8) else { Issue.record("not records"); return }
        let answer = ParsedAnswer(response: "y")
        let line = OutputRecord.success(record: record, answer: answer, endpoint: "e", attempts: 1, latency: 0.1)
        #expect(line["line_fingerprint"]?.stringValue == LineFingerprint.text(record.fingerprint))
        #expect(OutputRecord.success(record: named, answer: answer, endpoint: "e", attempts: 1, latency: 0.1)["line_fingerprint"] == nil)
        var scanner = OutputLineScanner()
        var fields: [OutputLineScanner.Fields] = []
        let bytes = line.encodedBytes + [0x0A]
        bytes.withUnsafeBytes { scanner.feed($0) { fields.append($0) } }
        #expect(fields.first?.fingerprint.flatMap(LineFingerprint.parse) == record.fingerprint)
    }
}
