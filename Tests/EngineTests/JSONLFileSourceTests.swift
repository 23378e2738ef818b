import Foundation
import Testing
@testable import Engine

@Suite struct JSONLFileSourceTests {
    /// A file is read in order with physical line numbers; invalid UTF-8 and blank lines are handled.
    @Test func readsFile() async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("src-\(UUID().uuidString).jsonl").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        var data = Data()
        for index in 1...5000 { data.append(contentsOf: Array("{\"input\":\"p\(index)\"}\n".utf8)) }
        data.append(contentsOf: [0x7B, 0x22, 0x69, 0x6E, 0x70, 0x75, 0x74, 0x22, 0x3A, 0x22, 0xFF, 0x22, 0x7D, 0x0A])
        data.append(contentsOf: Array("\n{\"input\":\"last\"}".utf8))
        try data.write(to: URL(fileURLWithPath: path))
        let source = try JSONLFileSource(path: path, defaults: RequestDefaults())
        var items: [SourceItem] = []
        while true {
            let batch = try await source.next(max: 700)
            if batch.isEmpty { break }
            items += batch
        }
        #expect(items.count == 5002)
        guard case .bad(let bad) = items[5000] else { Issue.record("invalid UTF-8 accepted"); return }
        #expect(bad.line == 5001 && bad.reason.contains("UTF-8"))
        guard case .record(let last) = items[5001] else { Issue.record("last line lost"); return }
        #expect(last.line == 5003 && last.input == "last")
        #expect(source.progress.bytesRead == data.count)
    }

    /// A missing file and a directory are refused with the reason.
    @Test func unreadable() {
        #expect(throws: EngineError.self) { try JSONLFileSource(path: "/no/such/file.jsonl", defaults: RequestDefaults()) }
        #expect(throws: EngineError.self) { try JSONLFileSource(path: "/tmp", defaults: RequestDefaults()) }
    }

    func items(of bytes: [UInt8]) async throws -> [SourceItem] {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("src-\(UUID().uuidString).jsonl").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        let source = try JSONLFileSource(path: path, defaults: RequestDefaults())
        var items: [SourceItem] = []
        while true {
            let batch = try await source.next(max: 100)
            if batch.isEmpty { return items }
            items += batch
        }
    }

    /// A UTF-8 byte-order mark before the first line is skipped, not a bad line.
    @Test func skipsByteOrderMark() async throws {
        let items = try await items(of: [0xEF, 0xBB, 0xBF] + Array("{\"input\":\"a\"}\n{\"input\":\"b\"}\n".utf8))
        #expect(items.count == 2)
        guard case .record(let first) = items.first else { Issue.record("line 1 refused"); return }
        #expect(first.line == 1 && first.input == "a")
    }

    /// A CSV file or a JSON array gets a hint on its first line saying what it looks like.
    @Test func hintsAtTheFormat() async throws {
        for (text, hint) in [("input,id\nhello,1\n", "looks like CSV"), ("[{\"input\":\"a\"},\n{\"input\":\"b\"}]\n", "looks like a JSON array"),
                             ("[{\"input\":\"a\"}]\n", "looks like a JSON array")] {
            let items = try await items(of: Array(text.utf8))
            guard case .bad(let first) = items.first else { Issue.record("\(text): line 1 accepted"); continue }
            #expect(first.reason.contains(hint), "\(first.reason)")
            if items.count > 1, case .bad(let second) = items[1] { #expect(!second.reason.contains("looks like")) }
        }
        let plain = try await items(of: Array("{broken\n".utf8))
        guard case .bad(let broken) = plain.first else { Issue.record("accepted"); return }
        #expect(!broken.reason.contains("looks like"))
    }

    /// While a read blocks on a slow input (a FIFO nobody writes to yet), `progress` answers at once.
    @Test(.timeLimit(.minutes(1))) func progressDoesNotWaitForABlockedRead() async throws {
        let fifo = FileManager.default.temporaryDirectory.appendingPathComponent("fifo-\(UUID().uuidString)").path
        #expect(mkfifo(fifo, 0o600) == 0)
        defer { try? FileManager.default.removeItem(atPath: fifo) }
        let writer = open(fifo, O_RDWR)
        #expect(writer >= 0)
        let source = try JSONLFileSource(path: fifo, defaults: RequestDefaults())
        let reading = Task { try await source.next(max: 10) }
        // The read starts blocking on the reader's queue while progress is asked for again and again:
        // with one lock for both, one of these calls would wait for the writer below, which never comes.
        for _ in 0..<2_000 {
            #expect(source.progress.bytesRead == 0)
            await Task.yield()
        }
        let line = Array("{\"input\":\"late\"}\n".utf8)
        #expect(line.withUnsafeBytes { write(writer, $0.baseAddress, $0.count) } == line.count)
        close(writer)
        let items = try await reading.value
        #expect(items.count == 1 && source.progress.bytesRead == line.count)
    }
}
