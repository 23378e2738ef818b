import Foundation
import Testing
@testable import Engine

@Suite struct AtomicFileTests {
    /// Planted links at predictable temporary names and at the final path are not followed: the
    /// victims keep their contents and the final path becomes a regular file.
    @Test func plantedLinksAreNotFollowed() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("atomic-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let target = folder + "/rep.html", victim = folder + "/victim"
        try "precious".write(toFile: victim, atomically: true, encoding: .utf8)
        for planted in [target + ".partial", target + ".tmp", target] {
            try FileManager.default.createSymbolicLink(atPath: planted, withDestinationPath: victim)
        }
        try AtomicFile.write(Array("report".utf8), to: target)
        #expect(try String(contentsOfFile: victim, encoding: .utf8) == "precious")
        #expect(try String(contentsOfFile: target, encoding: .utf8) == "report")
        #expect(FileIdentity(linkAt: target)?.isRegular == true)
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: folder).filter { $0.hasSuffix(".tmp") && $0 != "rep.html.tmp" }
        #expect(leftovers.isEmpty)
    }
}
