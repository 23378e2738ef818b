import Foundation
import Logging
import Testing
@testable import Engine

@Suite struct LineLogHandlerTests {
    /// One line per message at or above the level, with a UTC timestamp, the level and sorted metadata.
    @Test func writesLinesToAFile() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("fanout-log-\(UUID().uuidString).log").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let output = try LogOutput(appendingTo: path)
        let logger = Logger(label: "fanout") { LineLogHandler(label: $0, level: .info, output: output) }
        logger.debug("hidden")
        logger.warning("record failed", metadata: ["line": "3", "id": "a"])
        output.close()
        let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n")
        #expect(lines.count == 1)
        let line = String(lines[0])
        #expect(line.hasSuffix(" warning fanout: record failed id=a line=3"))
        #expect(line.range(of: #"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z "#, options: .regularExpression) != nil)
    }
}
