import Foundation
import Testing

/// Nothing Linux-only is left unguarded in the sources: fanout is meant to build on macOS too.
@Suite struct PortabilityTests {
    static let sources = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Sources")

    static func files(_ suffixes: [String]) -> [(path: String, text: String)] {
        let enumerator = FileManager.default.enumerator(atPath: sources.path)
        var found: [(String, String)] = []
        while let path = enumerator?.nextObject() as? String {
            guard suffixes.contains(where: path.hasSuffix),
                  let text = try? String(contentsOf: sources.appendingPathComponent(path), encoding: .utf8) else { continue }
            found.append((path, text))
        }
        return found
    }

    /// Every file that imports Glibc imports Darwin in the other branch, and calls qualified with
    /// `Glibc.` appear only in those guarded branches (as the file's aliases).
    @Test func platformModulesAreGuarded() {
        let swift = Self.files([".swift"])
        #expect(swift.count > 50)
        for (path, text) in swift where text.contains("import Glibc") {
            #expect(text.contains("#if canImport(Glibc)") && text.contains("#elseif canImport(Darwin)"), "\(path)")
        }
        for (path, text) in swift {
            for line in text.split(separator: "\n") where line.contains("Glibc.") {
                #expect(line.hasPrefix("private let system"), "\(path): \(line)")
            }
        }
    }

    /// errno values are used by name (their numbers differ between Linux and macOS), and the ncurses
    /// header and library are chosen per platform.
    @Test func errnoByNameAndNcursesPerPlatform() throws {
        for (path, text) in Self.files([".swift"]) {
            #expect(!text.contains("case 111") && !text.contains("case 104:") && !text.contains("errno == 4"), "\(path)")
        }
        let shim = try String(contentsOf: Self.sources.appendingPathComponent("CNcurses/shim.h"), encoding: .utf8)
        #expect(shim.contains("#if defined(__APPLE__)") && shim.contains("<ncursesw/curses.h>"))
        let moduleMap = try String(contentsOf: Self.sources.appendingPathComponent("CNcurses/module.modulemap"), encoding: .utf8)
        #expect(!moduleMap.contains("link \"ncursesw\""))
    }
}
