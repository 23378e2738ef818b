import Foundation
import Testing
@testable import Engine

@Suite struct ResumeIndexTests {
    /// Ids are read from both files; a torn last line is cut off (and not counted); restart empties both.
    @Test func readsAndRepairs() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("resume-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let save = directory + "/out.jsonl", errors = directory + "/errors.jsonl"
        try "{\"id\":\"1\",\"response\":\"a\"}\n{\"id\":\"2\",\"response\":\"b\"}\n{\"id\":\"3\",\"resp".write(toFile: save, atomically: true, encoding: .utf8)
        try "{\"id\":\"9\",\"error\":\"x\"}\n".write(toFile: errors, atomically: true, encoding: .utf8)
        let index = try ResumeIndex.prepare(savePath: save, errorsPath: errors, restart: false)
        #expect(index.lines == 3 && index.tornLines == 1 && index.failedBefore == 1)
        #expect(index.done.contains("1") && index.done.contains("2") && index.done.contains("9") && !index.done.contains("3"))
        #expect(try String(contentsOfFile: save, encoding: .utf8).hasSuffix("\"b\"}\n"))
        let fresh = try ResumeIndex.prepare(savePath: save, errorsPath: errors, restart: true)
        #expect(fresh.done.isEmpty)
        #expect(try Data(contentsOf: URL(fileURLWithPath: save)).isEmpty)
        #expect(try ResumeIndex.prepare(savePath: directory + "/none.jsonl", errorsPath: directory + "/none2.jsonl", restart: false).lines == 0)
    }

    /// Refused records (bad lines, repeats; fanout's and Batch lines, old and new) are known by their
    /// line, and their ids do not count as sent.
    @Test func refusedRecordsAreKnownByLine() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("resume-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let save = directory + "/out.jsonl", errors = directory + "/errors.jsonl"
        try #"{"id":"A","input":"a","response":"r"}"#.appending("\n").write(toFile: save, atomically: true, encoding: .utf8)
        let lines = [
            #"{"id":"X","input":"second","error":"line 2: duplicate id \"X\" (an earlier line has it; this one is not sent)","status":null,"attempts":0,"endpoint":null,"line":2}"#,
            #"{"id":"B","input":{"messages":[]},"error":"HTTP 400","status":400,"attempts":1,"endpoint":"e","line":3}"#,
            #"{"id":"batch_req_1","custom_id":"C","response":null,"error":{"code":"invalid_request_line","message":"line 9: not valid JSON"}}"#,
            #"{"id":"batch_req_2","custom_id":"D","response":null,"error":{"code":"http_500","message":"line 4: looks refused but is not"}}"#,
        ]
        try (lines.joined(separator: "\n") + "\n").write(toFile: errors, atomically: true, encoding: .utf8)
        let index = try ResumeIndex.prepare(savePath: save, errorsPath: errors, restart: false)
        #expect(index.refusedLines == [2, 9])
        #expect(index.answered.contains("A") && index.answered.contains("B") && index.answered.contains("D"))
        #expect(!index.answered.contains("X") && !index.answered.contains("C"))
        #expect(index.done.contains("X") && index.lines == 5 && index.failedBefore == 4)
    }

    /// A save line far over the input's 32 MiB line limit still gives up its id.
    @Test func findsTheIDOfAHugeLine() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("resume-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let save = directory + "/out.jsonl"
        var bytes = Array(#"{"input":""#.utf8) + [UInt8](repeating: UInt8(ascii: "x"), count: 40 << 20)
        bytes += Array(#"","nested":{"id":"inner","a":[1,{"id":"deeper"}]},"id":"huge\"one","response":"ok"}"#.utf8) + [0x0A]
        bytes += Array(#"{"id":12,"response":"n"}"#.utf8) + [0x0A]
        #expect(FileManager.default.createFile(atPath: save, contents: Data(bytes)))
        let index = try ResumeIndex.prepare(savePath: save, errorsPath: directory + "/errors.jsonl", restart: false)
        #expect(index.lines == 2 && index.answered.count == 2)
        #expect(index.answered.contains("huge\"one") && index.answered.contains("12"))
        #expect(!index.answered.contains("inner") && !index.answered.contains("deeper"))
    }
}
