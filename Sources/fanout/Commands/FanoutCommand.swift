import ArgumentParser
import Foundation
import NIOCore
import NIOPosix

/// The `fanout` command: `run` is the default subcommand.
@main
struct FanoutCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fanout",
        abstract: "Send a JSONL file of LLM requests through many OpenAI-compatible and Anthropic endpoints, fast and exactly once.",
        version: "0.1.0",
        subcommands: [RunCommand.self, ValidateCommand.self, DemoCommand.self, AttachCommand.self, PsCommand.self, MockServerCommand.self, ReportCommand.self,
                      ReferenceCommand.self],
        defaultSubcommand: RunCommand.self)

    /// Parses, runs, and exits with fanout's own codes: 2 for any usage or configuration error
    /// (argument-parser would use 64) with its reason on one line, the run's code otherwise.
    static func main() async {
        // One set of threads for I/O and tasks: the runner's task lives on NIO's event loops, so an
        // answer posted from a connection's loop wakes it without crossing to another thread pool.
        _ = NIOSingletons.unsafeTryInstallSingletonPosixEventLoopGroupAsConcurrencyGlobalExecutor()
        FileLimits.raiseOpenFileLimit()
        Console.ignoreBrokenPipes()
        let arguments = Array(CommandLine.arguments.dropFirst())
        if arguments.first?.hasPrefix("--generate-completion-script") == true {
            let named: String? = arguments[0].split(separator: "=", maxSplits: 1).dropFirst().first.map { String($0) }
            let shell: String = named ?? (arguments.count > 1 ? arguments[1] : "")
            if let script = CompletionScript.generate(for: shell) {
                Console.out(script)
                Foundation.exit(0)
            }
        }
        do {
            var command = try parseAsRoot()
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch let exit as RunExit {
            Foundation.exit(exit.code)
        } catch {
            let code = exitCode(for: error)
            if code == .success {
                Self.exit(withError: error)
            }
            let parsed = message(for: error).split(whereSeparator: \.isNewline).joined(separator: " ")
            let message = DidYouMean.sentence(for: parsed, arguments: Array(CommandLine.arguments.dropFirst())) ?? parsed
            Console.error("fanout: \(message) (see \(helpCommand()))")
            Foundation.exit(2)
        }
    }
}

extension FanoutCommand {
    /// The help page that lists the options of the subcommand on the command line (`run` when none is named).
    static func helpCommand(_ arguments: [String] = Array(CommandLine.arguments.dropFirst())) -> String {
        let names = configuration.subcommands.map { $0.configuration.commandName ?? "" }
        let named = arguments.first.flatMap { names.contains($0) ? $0 : nil }
        return "fanout \(named ?? "run") --help"
    }
}

/// Ends the process with a code after the run has reported.
struct RunExit: Error {
    let code: Int32

    static let allSucceeded = RunExit(code: 0)
    static let someFailed = RunExit(code: 1)
    static let usage = RunExit(code: 2)
    static let fatalIO = RunExit(code: 3)
    /// No endpoint answered for `--unreachable_after` seconds: the run cannot make progress.
    static let unreachable = RunExit(code: 4)
    /// The operator quit (`q`, or Ctrl-C read as a key) before every record was finished.
    static let quitEarly = RunExit(code: 5)
    /// Sending stopped for money: `--max_cost` reached, or every endpoint out of money.
    static let spendCap = RunExit(code: 6)
}

extension RunExit {
    /// Every code `fanout run` ends with, in words, for `--help` (docs/guide.md says more).
    static let meanings: [(code: String, meaning: String)] = [
        ("0", "every record succeeded"), ("1", "the run finished but some records are in the errors file"),
        ("2", "usage or configuration error (nothing sent)"), ("3", "fatal I/O error"), ("4", "no endpoint reachable"),
        ("5", "quit (q) before the end"), ("6", "sending stopped for money (--max_cost reached, or every account out of money)"),
        ("130/143", "interrupted by SIGINT/SIGTERM"),
    ]
    /// The order in which codes win when several apply (`RunEnding.exit`).
    static let precedence = ["3", "130/143", "6", "4", "5"]

    /// The `Exit codes:` paragraph of `fanout run --help`.
    static var help: String {
        "Exit codes: " + meanings.map { "\($0.code) \($0.meaning)" }.joined(separator: "; ")
            + ". When several apply, the first in the order \(precedence.joined(separator: ", ")) wins, then 1 or 0."
    }
}
