import Foundation
import Testing
@testable import Engine

@Suite struct BatchJournalTests {
    /// Each step is read back; done entries and a torn last line drop out; compact keeps the rest.
    @Test func recoversEveryStep() throws {
        let path = NSTemporaryDirectory() + "journal-\(UInt64.random(in: 0 ... .max)).batches"
        defer { unlink(path) }
        let journal = try BatchJournal(path: path)
        try journal.packed(key: "a", endpoint: "bat", at: 100, members: [(1, "r1"), (2, "r2")])
        try journal.packed(key: "b", endpoint: "bat", at: 101, members: [(3, "r3")])
        try journal.uploaded(key: "b", fileID: "file-1")
        try journal.packed(key: "c", endpoint: "bat", at: 102, members: [(4, "r4")])
        try journal.uploaded(key: "c", fileID: "file-2")
        try journal.created(key: "c", batchID: "batch_9")
        try journal.packed(key: "d", endpoint: "bat", at: 103, members: [(5, "r5")])
        try journal.done(key: "d")
        let handle = try #require(FileHandle(forWritingAtPath: path))
        handle.seekToEndOfFile()
        handle.write(Data(#"{"packed":"e","endpoint":"bat","li"#.utf8))
        try handle.close()
        let entries = BatchJournal.unfinished(at: path)
        #expect(entries.map(\.key) == ["a", "b", "c"])
        #expect(entries[0].lines == [1, 2] && entries[0].customIDs == ["r1", "r2"] && entries[0].fileID == nil && entries[0].batchID == nil)
        #expect(entries[1].fileID == "file-1" && entries[1].batchID == nil)
        #expect(entries[2].fileID == "file-2" && entries[2].batchID == "batch_9" && entries[2].at == 102)
        try BatchJournal.compact(at: path, keeping: entries)
        #expect(BatchJournal.unfinished(at: path) == entries)
        try BatchJournal.compact(at: path, keeping: [])
        #expect(!FileManager.default.fileExists(atPath: path))
    }
}
