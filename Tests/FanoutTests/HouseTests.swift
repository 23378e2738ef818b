import Foundation
import Testing

/// The layout's promises that the module graph cannot make: function length, what imports what.
@Suite struct HouseTests {
    static let sources = ReferenceTests.root.appendingPathComponent("Sources")

    /// Every Swift file under `Sources/`, with its path relative to it.
    static func files() throws -> [(path: String, text: String)] {
        let enumerator = FileManager.default.enumerator(atPath: sources.path)
        var files: [(String, String)] = []
        while let path = enumerator?.nextObject() as? String {
            guard path.hasSuffix(".swift") else { continue }
            files.append((path, try String(contentsOf: sources.appendingPathComponent(path), encoding: .utf8)))
        }
        return files
    }

    /// Lines from each `func` or `init` line to the brace that closes it, at the same indentation.
    static func functionLengths(_ text: String) -> [(line: Int, name: String, length: Int)] {
        let lines = text.components(separatedBy: "\n")
        let declaration = /^(\s*)(?:@\w+(?:\([^)]*\))?\s+)*(?:(?:public|private|fileprivate|internal|package|static|class|mutating|nonmutating|nonisolated|override|final|convenience|required|private\(set\))\s+)*(?:func\s|init[?!]?\(|init<)/
        var found: [(Int, String, Int)] = []
        for (index, line) in lines.enumerated() {
            guard let match = line.firstMatch(of: declaration), line.hasSuffix("{") else { continue }
            let close = String(match.1) + "}"
            guard let end = lines[(index + 1)...].firstIndex(where: { $0 == close || $0.hasPrefix(close + " ") }) else { continue }
            found.append((index + 1, line.trimmingCharacters(in: .whitespaces), end - index + 1))
        }
        return found
    }

    /// No function in Sources/ passes 90 lines, counted from its `func` line to its closing brace.
    @Test func functionsFitAScreen() throws {
        let files = try Self.files()
        #expect(files.count > 100)
        var counted = 0
        for file in files {
            for function in Self.functionLengths(file.text) {
                counted += 1
                #expect(function.length <= 90, "\(file.path):\(function.line) is \(function.length) lines: \(function.name)")
            }
        }
        #expect(counted > 1000)
    }

    /// The counter sees a long function (so the check above can fail).
    @Test func counterCountsLongFunctions() {
        let body = Array(repeating: "        work()", count: 95).joined(separator: "\n")
        let text = "struct A {\n    public static func long(_ x: Int) -> Int {\n\(body)\n    }\n    init() {\n    }\n}"
        let lengths = Self.functionLengths(text)
        #expect(lengths.map(\.length) == [97, 2])
    }

    /// The terminal front and the report know nothing of the command line; one file imports ncurses.
    @Test func importsFollowTheLayout() throws {
        let files = try Self.files()
        for file in files where file.path.hasPrefix("Dashboard/") || file.path.hasPrefix("Report/") || file.path.hasPrefix("Engine/") {
            #expect(!file.text.contains("import ArgumentParser"), "\(file.path) imports ArgumentParser")
        }
        for file in files where file.path.hasPrefix("Report/") || file.path.hasPrefix("Engine/") {
            #expect(!file.text.contains("import Dashboard"), "\(file.path) imports Dashboard")
        }
        #expect(files.filter { $0.text.contains("import CNcurses") }.map(\.path) == ["Dashboard/Terminal/Terminal.swift"])
        for gone in ["Dashboard/CLI", "Dashboard/Report", "Dashboard/Headless"] {
            #expect(!FileManager.default.fileExists(atPath: Self.sources.appendingPathComponent(gone).path), "\(gone) is back")
        }
    }
}
