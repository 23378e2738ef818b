import Foundation
import Testing
@testable import Engine

@Suite struct LineCounterTests {
    static func count(_ text: String) throws -> Int? {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("count-\(UUID().uuidString).jsonl").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return LineCounter.count(path: path)
    }

    /// Lines holding anything but spaces, tabs and `\r` count, the last one without its newline too.
    @Test func countsLinesWithText() throws {
        #expect(try Self.count("") == 0)
        #expect(try Self.count("\n\n \t\r\n") == 0)
        #expect(try Self.count("{}\n\n  {}\r\n\t \n x") == 3)
        #expect(try Self.count("{}\n{}\n") == 2)
        #expect(try Self.count("   ") == 0)
    }

    /// A line that runs across the 1 MiB reads (blank at the start of one, text in the next) counts once.
    @Test func countsAcrossReads() throws {
        let long = String(repeating: " ", count: (1 << 20) - 3) + "\n" + String(repeating: " ", count: 10) + "x\n{}"
        #expect(try Self.count(long) == 2)
        let split = "{}\n" + String(repeating: " ", count: (1 << 20) + 5) + "y\n"
        #expect(try Self.count(split) == 2)
        #expect(LineCounter.count(path: "/nonexistent/file") == nil)
    }
}
