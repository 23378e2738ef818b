import Engine
import Foundation
import Testing
@testable import fanout

@Suite struct ControlDirectoryTests {
    func temporary() throws -> String {
        var template = Array((NSTemporaryDirectory() + "/fanout-control-XXXXXX").utf8CString)
        return String(cString: try #require(mkdtemp(&template)))
    }

    func entry(_ process: ProcessIdentity, save: String = "/data/out.jsonl") -> RunEntry {
        RunEntry(process: process, startedAt: 1_700_000_000, host: "box", version: "0.1.0", input: "/data/in.jsonl", save: save,
                 errors: "/data/out_errors.jsonl", control: "/run/x.sock", tokenEnv: nil)
    }

    /// A missing directory is made private (0700) with its parents; an existing one keeps its mode.
    @Test func madePrivateButNeverChanged() throws {
        let base = try temporary()
        let directory = ControlDirectory(path: base + "/a/b/fanout")
        try directory.prepare()
        var info = stat()
        #expect(lstat(directory.path, &info) == 0 && info.st_mode & 0o777 == 0o700)
        chmod(directory.path, 0o755)
        try directory.prepare()
        #expect(lstat(directory.path, &info) == 0 && info.st_mode & 0o777 == 0o755)
        for mode: mode_t in [0o777, 0o770, 0o1777, 0o1700] {
            chmod(directory.path, mode)
            #expect(throws: ControlDirectory.Problem.self) { try directory.prepare() }
            #expect(lstat(directory.path, &info) == 0 && info.st_mode & 0o7777 == mode)
        }
    }

    /// A link or a file where the directory should be is refused, never followed, even with a trailing slash.
    @Test func refusesLinksAndFiles() throws {
        let base = try temporary()
        let target = base + "/elsewhere"
        mkdir(target, 0o700)
        symlink(target, base + "/link")
        #expect(throws: ControlDirectory.Problem.self) { try ControlDirectory(path: base + "/link").prepare() }
        #expect(throws: ControlDirectory.Problem.self) { try ControlDirectory(path: base + "/link/").prepare() }
        #expect(ControlDirectory(path: base + "/link").refusal()?.contains("symbolic link") == true)
        FileManager.default.createFile(atPath: base + "/file", contents: Data())
        #expect(throws: ControlDirectory.Problem.self) { try ControlDirectory(path: base + "/file").prepare() }
    }

    /// `ps` and `attach` read nothing from a refused directory, and skip planted entries, each with one warning.
    @Test func plantedEntriesAreSkipped() throws {
        let directory = ControlDirectory(path: try temporary())
        try directory.prepare()
        let me = ProcessIdentity.current
        try directory.register(entry(me))
        let elsewhere = try temporary() + "/planted.json"
        try AtomicFile.write(StatusCoding.encode(entry(ProcessIdentity(pid: 1, startTicks: nil))), to: elsewhere, mode: 0o600)
        symlink(elsewhere, directory.path + "/1.json")
        FileManager.default.createFile(atPath: directory.path + "/2.json", contents: Data("{".utf8), attributes: [.posixPermissions: 0o600])
        var warnings: [String] = []
        #expect(directory.liveEntries { warnings.append($0) }.map(\.pid) == [me.pid])
        #expect(warnings.count == 2 && warnings.contains { $0.contains("symbolic link") })

        chmod(directory.path, 0o777)
        warnings = []
        #expect(directory.liveEntries { warnings.append($0) }.isEmpty)
        #expect(warnings.count == 1 && warnings[0].contains("writable by other users"))
        chmod(directory.path, 0o700)
        if geteuid() == 0 {
            chown(directory.path, 65534, 65534)
            warnings = []
            #expect(directory.liveEntries { warnings.append($0) }.isEmpty)
            #expect(warnings.count == 1 && warnings[0].contains("another user"))
        }
    }

    /// Entries are written 0600; a live run is listed; a gone one (or a reused pid) is removed with its socket.
    @Test func liveAndStaleEntries() throws {
        let directory = ControlDirectory(path: try temporary())
        try directory.prepare()
        let me = ProcessIdentity.current
        try directory.register(entry(me))
        var info = stat()
        #expect(lstat(directory.entryPath(for: me.pid), &info) == 0 && info.st_mode & 0o777 == 0o600)

        let gone = Process()
        gone.executableURL = URL(fileURLWithPath: "/bin/true")
        try gone.run()
        gone.waitUntilExit()
        let dead = ProcessIdentity(pid: gone.processIdentifier, startTicks: 1)
        try directory.register(entry(dead))
        FileManager.default.createFile(atPath: directory.socketPath(for: dead.pid), contents: Data())
        // This process's pid with another start time: a pid reused by an unrelated process.
        let reused = ProcessIdentity(pid: me.pid, startTicks: (me.startTicks ?? 0) + 1)
        #expect(!reused.isAlive || me.startTicks == nil)

        let live = directory.liveEntries { _ in }
        #expect(live.map(\.pid) == [me.pid])
        #expect(!FileManager.default.fileExists(atPath: directory.entryPath(for: dead.pid)))
        #expect(!FileManager.default.fileExists(atPath: directory.socketPath(for: dead.pid)))
        directory.unregister(me.pid)
        #expect(directory.liveEntries { _ in }.isEmpty)
    }

    /// `$FANOUT_CONTROL_DIR`, else `$XDG_RUNTIME_DIR/fanout`, else `~/.local/state/fanout`.
    @Test func whereItIs() {
        #expect(ControlDirectory.resolve(environment: ["FANOUT_CONTROL_DIR": "/x", "XDG_RUNTIME_DIR": "/run/user/1"]).path == "/x")
        #expect(ControlDirectory.resolve(environment: ["XDG_RUNTIME_DIR": "/run/user/1", "HOME": "/home/u"]).path == "/run/user/1/fanout")
        #expect(ControlDirectory.resolve(environment: ["HOME": "/home/u"]).path == "/home/u/.local/state/fanout")
    }

    /// A pid finds its run, a save file finds the run writing it, HOST:PORT is taken as it is.
    @Test func attachTargets() throws {
        let base = try temporary()
        let save = base + "/out.jsonl"
        FileManager.default.createFile(atPath: save, contents: Data())
        let run = entry(ProcessIdentity(pid: 77, startTicks: nil), save: save)
        #expect(try AttachTarget.resolve("77", runs: [run]).address == .socket(path: "/run/x.sock"))
        #expect(try AttachTarget.resolve(save, runs: [run]).entry == run)
        #expect(try AttachTarget.resolve("10.0.0.5:7070", runs: []).address == .tcp(host: "10.0.0.5", port: 7070))
        #expect(throws: (any Error).self) { try AttachTarget.resolve("78", runs: [run]) }
        #expect(throws: (any Error).self) { try AttachTarget.resolve(base, runs: [run]) }
        #expect(throws: (any Error).self) { try AttachTarget.resolve("nonsense", runs: [run]) }
        var none = run
        none.control = nil
        #expect(throws: (any Error).self) { try AttachTarget.resolve("77", runs: [none]) }
    }

    /// With no target: the only run; none or several is a usage error (several are listed first).
    @Test func chooseTheOnlyRun() throws {
        let one = entry(ProcessIdentity(pid: 77, startTicks: nil))
        var two = entry(ProcessIdentity(pid: 78, startTicks: nil))
        two.control = "/run/y.sock"
        #expect(try AttachCommand.choose(nil, runs: [one], environment: [:]).0 == .socket(path: "/run/x.sock"))
        #expect(throws: (any Error).self) { try AttachCommand.choose(nil, runs: [one, two], environment: [:]) }
        #expect(throws: (any Error).self) { try AttachCommand.choose(nil, runs: [], environment: [:]) }
    }

    /// A process that has ended but not been reaped (a zombie) is not alive.
    @Test func zombiesAreGone() throws {
        var pid: pid_t = 0
        let argv: [UnsafeMutablePointer<CChar>?] = [strdup("/bin/true"), nil]
        defer { argv.forEach { free($0) } }
        #expect(posix_spawn(&pid, "/bin/true", nil, nil, argv, environ) == 0)
        usleep(300_000)
        let zombie = ProcessIdentity(pid: pid, startTicks: ProcessIdentity.startTicks(of: pid))
        #expect(!zombie.isAlive)
        var status: Int32 = 0
        waitpid(pid, &status, 0)
        #expect(ProcessIdentity.current.isAlive)
    }
}
