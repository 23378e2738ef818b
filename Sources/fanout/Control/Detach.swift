import ArgumentParser
import Engine
import Foundation

/// `fanout run --detach`: the same run, started again as a background process.
///
/// The binary is spawned anew (`posix_spawn` with `POSIX_SPAWN_SETSID`), never forked: NIO's
/// threads already run in this process. The child has its own session and no terminal, ignores
/// SIGHUP, reads /dev/null and writes stdout and stderr to `SAVE.log`. This process waits until the
/// child can be attached (its entry appears, up to a few seconds), says how to reach it, and exits 0.
enum Detach {
    /// Set in the child's environment: it runs headless and ends its log with its exit code.
    static let marker = "FANOUT_DETACHED"

    static func logPath(save: String) -> String { save + ".log" }

    /// Whether `path` is this process's standard input under any name: `-`, `/dev/stdin`,
    /// `/dev/fd/0`, `/proc/self/fd/0`, or any path to the same file, pipe or terminal.
    static func readsStandardInput(_ path: String) -> Bool {
        if ["-", "/dev/stdin", "/dev/fd/0", "/proc/self/fd/0", "/proc/\(getpid())/fd/0"].contains(path) { return true }
        var input = stat()
        var named = stat()
        guard fstat(STDIN_FILENO, &input) == 0, stat(path, &named) == 0 else { return false }
        return input.st_dev == named.st_dev && input.st_ino == named.st_ino
    }

    /// `POSIX_SPAWN_SETSID` (glibc 2.26 and later; the Swift module does not import the GNU flag).
    #if os(Linux)
    private static let newSession: Int32 = 0x80
    #else
    private static let newSession = Int32(POSIX_SPAWN_SETSID)
    #endif

    static func start(plan: RunPlan, arguments: [String], environment: [String: String]) throws -> RunExit {
        if plan.isSpecialFile(plan.savePath) {
            throw ValidationError("--detach needs a save file, not \(plan.savePath): the run goes on after this terminal closes.")
        }
        let log = logPath(save: RunOptions.absolute(plan.savePath))
        var childArguments = arguments.filter { $0 != "--detach" }
        if !childArguments.contains("--no-tui") && !childArguments.contains("--no_tui") { childArguments.append("--no-tui") }
        var childEnvironment = environment
        childEnvironment[marker] = "1"
        let pid = try spawn(arguments: childArguments, environment: childEnvironment, log: log)
        let directory = ControlDirectory.resolve(environment: environment)
        let state = waitUntilAttachable(pid: pid, directory: directory)
        Console.out("fanout: started in the background as pid \(pid)")
        Console.out("  log:    \(log)")
        switch state {
        case .attachable(let control):
            Console.out(control == nil ? "  attach: not possible (--control none)" : "  attach: fanout attach \(pid)")
        case .ended(let code):
            Console.out("  it has already ended with exit code \(code); see the log")
        case .starting:
            Console.out("  attach: fanout attach \(pid) (still starting)")
        }
        Console.out("  stop:   kill -TERM \(pid) (finishes requests in flight)")
        return .allSucceeded
    }

    private enum ChildState {
        case attachable(control: String?)
        case ended(Int32)
        case starting
    }

    /// Polls for the child's entry; gives up after 5 s (a slow start is still a start).
    private static func waitUntilAttachable(pid: Int32, directory: ControlDirectory) -> ChildState {
        let deadline = Date().addingTimeInterval(5)
        while Date() < deadline {
            var status: Int32 = 0
            if waitpid(pid, &status, WNOHANG) == pid {
                return .ended((status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f))
            }
            if let data = FileManager.default.contents(atPath: directory.entryPath(for: pid)),
               let entry = try? StatusCoding.decode(RunEntry.self, from: data) {
                return .attachable(control: entry.control)
            }
            usleep(20_000)
        }
        return .starting
    }

    /// Descriptors above stderr open in this process and not closed on exec.
    private static func inheritedDescriptors() -> [Int32] {
        let listed = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd")) ?? []
        return listed.compactMap(Int32.init).filter { descriptor in
            guard descriptor > 2 else { return false }
            let flags = fcntl(descriptor, F_GETFD)
            return flags >= 0 && flags & FD_CLOEXEC == 0
        }
    }

    /// Spawns this binary with `arguments` in a new session, its output appended to `log`.
    private static func spawn(arguments: [String], environment: [String: String], log: String) throws -> Int32 {
        let executable = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        var actions = posix_spawn_file_actions_t()
        var attributes = posix_spawnattr_t()
        posix_spawn_file_actions_init(&actions)
        posix_spawnattr_init(&attributes)
        defer {
            posix_spawn_file_actions_destroy(&actions)
            posix_spawnattr_destroy(&attributes)
        }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, log, O_WRONLY | O_CREAT | O_APPEND, 0o644)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        // Whatever else this process holds (a caller's pipe, a terminal) must not live on in the
        // background run: a shell waiting for a pipe's end would wait for the whole run.
        for descriptor in inheritedDescriptors() { posix_spawn_file_actions_addclose(&actions, descriptor) }
        var noSignals = sigset_t()
        sigemptyset(&noSignals)
        posix_spawnattr_setsigmask(&attributes, &noSignals)
        // SIGHUP stays ignored in the child (ignored dispositions survive exec); the rest start default.
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for number in [SIGINT, SIGTERM, SIGPIPE, SIGQUIT] { sigaddset(&defaults, number) }
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setflags(&attributes, Int16(Self.newSession | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        signal(SIGHUP, SIG_IGN)

        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            for pointer in argv { free(pointer) }
            for pointer in envp { free(pointer) }
        }
        var pid: pid_t = 0
        let result = posix_spawn(&pid, executable, &actions, &attributes, argv, envp)
        guard result == 0 else {
            throw ValidationError("--detach: cannot start \(executable) in the background (\(String(cString: strerror(result)))).")
        }
        return pid
    }
}
