import Engine
import Testing

@Suite struct ServerSentEventsTests {
    func events(_ chunks: [String]) -> [String] {
        var parser = ServerSentEvents()
        return chunks.flatMap { parser.feed(Array($0.utf8)) }.map { String(decoding: $0, as: UTF8.self) }
    }

    /// Events split anywhere across chunks come out whole, with any line ending.
    @Test func splitAnywhere() {
        let stream = "retry: 1000\n\nevent: status\ndata: {\"a\":1}\n\n: comment\r\ndata: {\"a\":2}\r\n\r\ndata:x\rdata: y\r\r"
        let whole = events([stream])
        #expect(whole == ["{\"a\":1}", "{\"a\":2}", "x\ny"])
        for size in 1...7 {
            let bytes = Array(stream)
            let chunks = stride(from: 0, to: bytes.count, by: size).map { String(bytes[$0..<min(bytes.count, $0 + size)]) }
            #expect(events(chunks) == whole, "chunks of \(size)")
        }
    }

    /// An unfinished event is held until its blank line; fields other than data are skipped.
    @Test func waitsForTheBlankLine() {
        var parser = ServerSentEvents()
        #expect(parser.feed(Array("id: 3\ndata: one\n".utf8)).isEmpty)
        #expect(parser.feed(Array("\n".utf8)).map { String(decoding: $0, as: UTF8.self) } == ["one"])
    }
}
