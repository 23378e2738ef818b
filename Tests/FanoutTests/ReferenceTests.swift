import Engine
import Foundation
import Testing
@testable import Dashboard
@testable import fanout

/// The docs against the binary: the generated reference, the keys, the README's length and links.
@Suite struct ReferenceTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static func read(_ path: String) throws -> String {
        try String(contentsOf: root.appendingPathComponent(path), encoding: .utf8)
    }

    /// docs/reference.md is exactly what `fanout reference` prints: every command's help, the ranges
    /// from `Limits` and the key table (regenerate with `swift run fanout reference > docs/reference.md`).
    @Test func referenceMatchesTheHelp() throws {
        let file = try Self.read("docs/reference.md")
        #expect(file == OptionsReference.markdown, "docs/reference.md is stale: run `swift run fanout reference > docs/reference.md`")
    }

    /// Every option `fanout run --help` shows appears in the reference, and every range in `Limits`.
    @Test func everyRunOptionIsDocumented() throws {
        let file = try Self.read("docs/reference.md")
        let help = FanoutCommand.helpMessage(for: RunCommand.self, columns: 200)
        let options = Set(help.matches(of: /--[a-z][a-z_\-]+/).map { String($0.output) })
        #expect(options.count > 30)
        for option in options { #expect(file.contains(option), "\(option) is not in docs/reference.md") }
        for row in Limits.table { #expect(file.contains(row.range), "\(row.option)") }
    }

    /// The dashboard's page and the README list the keys from the one key table, as the help overlay does.
    @Test func dashboardKeysComeFromTheKeyTable() throws {
        #expect(try Self.read("docs/dashboard.md").contains(KeyBindings.markdown))
        #expect(try Self.read("README.md").contains(KeyBindings.markdown))
        #expect(KeyBindings.help().count == KeyBindings.rows.count)
    }

    /// The README stays short, and its first block has two one-line commands: the demo and the one
    /// test command. Apart from the shebang, comments, `set …` and one `cd`, .ci/run holds one line:
    /// that command, character for character, optionally after `exec `.
    @Test func readmeIsShort() throws {
        let readme = try Self.read("README.md")
        #expect(readme.split(separator: "\n", omittingEmptySubsequences: false).count <= 250)
        let block = readme.components(separatedBy: "```sh\n")[1].components(separatedBy: "```")[0]
        let commands = block.split(separator: "\n").map(String.init)
        #expect(commands == ["swift run -c release fanout demo", "scripts/test"])
        let lines = try Self.read(".ci/run").split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
        let rest = lines.filter { !$0.isEmpty && !$0.hasPrefix("#") && !$0.hasPrefix("set ") }
        let changesDirectory = rest.filter { $0.hasPrefix("cd ") }
        #expect(changesDirectory.count <= 1)
        #expect(rest.filter { !$0.hasPrefix("cd ") } == ["exec " + commands[1]] || rest.filter { !$0.hasPrefix("cd ") } == [commands[1]])
    }

    /// The README and the demo's help say how many endpoints the demo runs, from its definition.
    @Test func demoEndpointCountIsTrue() throws {
        let readme = try Self.read("README.md")
        let words = DemoCommand.endpointsInWords
        #expect(readme.contains("\(words) local mock endpoints") && readme.contains("runs \(words) mock endpoints"))
        #expect(DemoCommand.configuration.abstract.contains("\(words) local mock endpoints"))
        #expect(!FanoutCommand.configuration.abstract.contains("OpenAI-compatible endpoints"))
    }

    /// Every relative link in the README and docs/ names a file that exists.
    @Test func linksResolve() throws {
        let pages = ["README.md", "CONTRIBUTING.md", "CHANGELOG.md"]
            + (try FileManager.default.contentsOfDirectory(atPath: Self.root.appendingPathComponent("docs").path).map { "docs/" + $0 })
        for page in pages where page.hasSuffix(".md") {
            let text = try Self.read(page)
            let directory = (page as NSString).deletingLastPathComponent
            for match in text.matches(of: /\]\(([^)#:]+)(#[^)]*)?\)/) {
                let target = (directory as NSString).appendingPathComponent(String(match.output.1))
                let exists = FileManager.default.fileExists(atPath: Self.root.appendingPathComponent(target).standardizedFileURL.path)
                #expect(exists, "\(page) links to \(match.output.1), which does not exist")
            }
        }
    }
}
