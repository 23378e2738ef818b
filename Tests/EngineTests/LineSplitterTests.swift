import Testing
@testable import Engine

@Suite struct LineSplitterTests {
    func split(_ chunks: [String], max: Int = 1000) -> [(Int, LineSplitter.Line)] {
        var splitter = LineSplitter(maxLineBytes: max)
        var lines: [(Int, LineSplitter.Line)] = []
        for chunk in chunks {
            Array(chunk.utf8).withUnsafeBytes { splitter.feed($0) { lines.append(($0, $1)) } }
        }
        splitter.finish { lines.append(($0, $1)) }
        return lines
    }

    /// Lines split across chunks are joined; blank lines are counted but not emitted; CRLF is tolerated.
    @Test func numbersPhysicalLines() {
        let lines = split(["ab", "c\n\n  \r\nde\r\n", "f"])
        #expect(lines.map(\.0) == [1, 4, 5])
        #expect(lines.map(\.1) == [.text(Array("abc".utf8)), .text(Array("de".utf8)), .text(Array("f".utf8))])
    }

    /// A line over the limit is reported with its length, and the next line is unaffected.
    @Test func oversizedLine() {
        let lines = split([String(repeating: "x", count: 30), String(repeating: "y", count: 30) + "\nok\n"], max: 50)
        #expect(lines.count == 2)
        guard case .oversized(let prefix, let length) = lines[0].1 else { Issue.record("not oversized"); return }
        #expect(length == 60)
        #expect(prefix.count <= 256)
        #expect(lines[1].0 == 2 && lines[1].1 == .text(Array("ok".utf8)))
    }
}
