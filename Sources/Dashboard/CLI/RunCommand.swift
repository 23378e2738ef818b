import ArgumentParser
import Engine
import Foundation

/// `fanout run` (the default): send every line of the input, write answers and failures.
struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Send every request of a JSONL file through the endpoints (the default command).",
        discussion: """
            Exit codes: 0 every record succeeded; 1 the run finished but some records are in the errors file; \
            2 usage or configuration error (nothing sent); 3 fatal I/O error; 4 no endpoint reachable; \
            5 quit (q) before the end; 130/143 interrupted by SIGINT/SIGTERM. When several apply, the first in the \
            order 3, 130/143, 4, 5 wins.
            """)

    @OptionGroup var options: RunOptions
    @OptionGroup var display: DisplayOptions

    func run() async throws {
        let plan = try options.makePlan(environment: ProcessInfo.processInfo.environment)
        throw await RunSession(plan: plan, display: display).execute()
    }
}
