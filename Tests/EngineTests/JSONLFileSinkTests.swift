import Foundation
import Testing
@testable import Engine

@Suite struct JSONLFileSinkTests {
    /// Lines are appended whole, one object per line, to existing files; close flushes everything.
    @Test func appendsWholeLines() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("sink-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let save = directory.appendingPathComponent("out.jsonl").path
        let errors = directory.appendingPathComponent("errors.jsonl").path
        try "{\"id\":\"old\"}\n".write(toFile: save, atomically: true, encoding: .utf8)
        let sink = try JSONLFileSink(savePath: save, errorsPath: errors)
        for index in 0..<20_000 {
            try sink.writeSuccess(.object([JSONField("id", .string("\(index)")), JSONField("text", "line\nbreak")]))
        }
        try sink.writeFailure(.object([JSONField("id", "bad")]))
        try sink.close()
        let lines = try String(contentsOfFile: save, encoding: .utf8).split(separator: "\n")
        #expect(lines.count == 20_001)
        #expect(lines.allSatisfy { (try? JSONParser.parse(Array($0.utf8)))?.isObject == true })
        #expect(try String(contentsOfFile: errors, encoding: .utf8) == "{\"id\":\"bad\"}\n")
    }

    /// A path in a missing directory is a clear error naming the path.
    @Test func missingDirectory() {
        do {
            _ = try JSONLFileSink(savePath: "/nonexistent-dir/out.jsonl", errorsPath: "/tmp/e.jsonl")
            Issue.record("opened")
        } catch {
            #expect(error.description.contains("/nonexistent-dir/out.jsonl"))
        }
    }
}
