#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Puts the terminal back when the process dies of a fatal signal (a trap, a bad access, an abort)
/// while the dashboard holds it, so a crash never leaves the shell in raw mode.
///
/// The modes from before ncurses took the terminal are saved once; the handler restores them with
/// async-signal-safe calls only (`tcsetattr`, `write`), then lets the signal do what it would have.
enum CrashRestore {
    /// Written once by `install` before any handler can run, then only read (by the handler).
    nonisolated(unsafe) private static var saved = termios()
    nonisolated(unsafe) private static var descriptor: Int32 = -1

    private static let fatalSignals = [SIGILL, SIGTRAP, SIGABRT, SIGBUS, SIGFPE, SIGSEGV]

    /// Saves the modes of the terminal on `fd` and installs the handlers. Call before ncurses
    /// changes the modes.
    static func install(terminal fd: Int32) {
        guard tcgetattr(fd, &saved) == 0 else { return }
        descriptor = fd
        var action = sigaction()
        #if canImport(Glibc)
        action.__sigaction_handler.sa_handler = { number in CrashRestore.restore(number) }
        #else
        action.__sigaction_u.__sa_handler = { number in CrashRestore.restore(number) }
        #endif
        action.sa_flags = Int32(bitPattern: UInt32(SA_RESETHAND) | UInt32(SA_NODEFER))
        sigemptyset(&action.sa_mask)
        for number in fatalSignals { sigaction(number, &action, nil) }
    }

    /// The handler: modes back, the alternate screen left, the cursor shown; then the signal again
    /// with its default action (the handler was reset on entry).
    private static func restore(_ number: Int32) {
        if descriptor >= 0 {
            tcsetattr(descriptor, TCSANOW, &saved)
            let reset: StaticString = "\u{1B}[?1049l\u{1B}[?25h\u{1B}[0m\r\n"
            _ = write(descriptor, reset.utf8Start, reset.utf8CodeUnitCount)
        }
        raise(number)
    }
}
