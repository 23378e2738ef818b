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
}
