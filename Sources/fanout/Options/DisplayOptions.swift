import ArgumentParser

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// How a run shows itself: the live dashboard or script-friendly lines.
struct DisplayOptions: ParsableArguments {
    @Flag(name: .customLong("tui"), help: "Show the live dashboard even if stdin or stdout is not a terminal.")
    var forceTUI = false

    @Flag(name: [.customLong("no-tui"), .customLong("no_tui")], help: "No dashboard: progress lines on stderr, the summary on stdout.")
    var noTUI = false

    @Flag(name: [.customLong("exit-when-done"), .customLong("exit_when_done")], help: "Leave the dashboard by itself when the run completes (default: wait for q).")
    var exitWhenDone = false

    func validate() throws {
        if forceTUI && noTUI { throw ValidationError("--tui and --no-tui cannot be used together.") }
        if forceTUI && isatty(STDOUT_FILENO) == 0 { throw ValidationError("--tui needs a terminal on stdout.") }
    }

    /// The dashboard by default when stdin and stdout are both terminals.
    var usesDashboard: Bool {
        if noTUI { return false }
        if forceTUI { return true }
        return isatty(STDIN_FILENO) != 0 && isatty(STDOUT_FILENO) != 0
    }
}
