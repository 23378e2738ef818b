import ArgumentParser
import Engine
import Foundation

/// `fanout run` (the default): send every line of the input, write answers and failures.
struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Send every request of a JSONL file through the endpoints (the default command).",
        discussion: RunExit.help)

    @OptionGroup var options: RunOptions
    @OptionGroup var display: DisplayOptions
    @OptionGroup var control: ControlOptions

    @Flag(name: .customLong("detach"), help: "Start the run in the background (its own session, no terminal, output to SAVE.log) and print its pid and how to attach; exits 0 at once.")
    var detach = false

    func validate() throws {
        if detach && display.forceTUI { throw ValidationError("--detach runs without a terminal, so --tui cannot be used with it.") }
        if detach && Detach.readsStandardInput(options.requestsFilepath) {
            throw ValidationError("--detach cannot read stdin (-): give the input as a file.")
        }
    }

    func run() async throws {
        let environment = ProcessInfo.processInfo.environment
        let plan = try options.makePlan(environment: environment)
        if detach { throw try Detach.start(plan: plan, arguments: Array(CommandLine.arguments.dropFirst()), environment: environment) }
        var session = RunSession(plan: plan, display: display)
        session.control = try control.setting(environment: environment)
        if environment[Detach.marker] != nil { signal(SIGHUP, SIG_IGN) }
        let exit = await session.execute()
        // A detached run's log is all its operator has: it ends with the code.
        if environment[Detach.marker] != nil { Console.error("fanout: exit code \(exit.code)") }
        throw exit
    }
}
