import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A real `redis-server` (Debian's package, installed by the test command) on a free 127.0.0.1
/// port, without persistence, in the foreground as the test's child; stopped (or killed) by the test.
final class RedisServer {
    let port: Int
    let password: String?
    private var process: Process?

    init(password: String? = nil) throws {
        port = try NetworkServers.freePort()
        self.password = password
        try start()
    }

    var url: String { "redis://127.0.0.1:\(port)" }

    /// Starts it (again) on the same port, empty.
    func start() throws {
        let server = try NetworkServers.tool("/usr/bin/redis-server", "/usr/local/bin/redis-server")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: server)
        var arguments = ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--daemonize", "no",
                         "--logfile", ""]
        if let password { arguments += ["--requirepass", password] }
        process.arguments = arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        self.process = process
        try NetworkServers.waitForListener(port, process: process)
    }

    /// Kills it at once (SIGKILL): what a crashed store looks like to its clients. (SIGTERM is not
    /// used: a child started from a thread that blocks it would never see it, and nothing is saved.)
    func kill() {
        guard let process, process.isRunning else { return }
        Glibc.kill(process.processIdentifier, SIGKILL)
        for _ in 0..<200 where process.isRunning { usleep(10_000) }
        self.process = nil
    }

    func stop() { kill() }

    /// Commands clients sent (`INFO commandstats`): EVALSHA and the commands fanout sends itself,
    /// not the ones its scripts run inside the server (which `total_commands_processed` counts too).
    func clientCommands() throws -> Int {
        var arguments = ["-p", String(port)]
        if let password { arguments += ["--no-auth-warning", "-a", password] }
        let text = try NetworkServers.output("redis-cli", arguments + ["INFO", "commandstats"])
        let sent: Set<String> = ["evalsha", "script|load", "zrem", "auth", "select", "hello"]
        return text.split(whereSeparator: \.isNewline).reduce(0) { total, line in
            // cmdstat_evalsha:calls=1445,usec=…
            guard line.hasPrefix("cmdstat_"), let colon = line.firstIndex(of: ":") else { return total }
            let name = String(line[line.index(line.startIndex, offsetBy: 8)..<colon])
            guard sent.contains(name), let calls = line.split(separator: ",").first?.split(separator: "=").last.flatMap({ Int($0) }) else { return total }
            return total + calls
        }
    }

    deinit { stop() }
}
