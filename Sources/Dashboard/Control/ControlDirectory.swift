import Engine
import Foundation

/// The per-user directory where runs put their default control sockets and their `RunEntry`s.
///
/// `$FANOUT_CONTROL_DIR`, else `$XDG_RUNTIME_DIR/fanout`, else `~/.local/state/fanout`. Made with
/// mode 0700 and refused unless this user owns it and it is a real directory (not a link), so no
/// other user can read a socket's figures, plant an entry or steer a run. Entries of processes
/// that are gone are removed by whoever lists them next.
struct ControlDirectory: Sendable {
    struct Problem: Error, CustomStringConvertible {
        let description: String
    }

    let path: String

    static func resolve(environment: [String: String]) -> ControlDirectory {
        if let chosen = environment["FANOUT_CONTROL_DIR"], !chosen.isEmpty { return ControlDirectory(path: chosen) }
        if let runtime = environment["XDG_RUNTIME_DIR"], !runtime.isEmpty, runtime.hasPrefix("/") {
            return ControlDirectory(path: (runtime as NSString).appendingPathComponent("fanout"))
        }
        let home = environment["HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? NSHomeDirectory()
        return ControlDirectory(path: (home as NSString).appendingPathComponent(".local/state/fanout"))
    }

    func socketPath(for pid: Int32) -> String { (path as NSString).appendingPathComponent("\(pid).sock") }
    func entryPath(for pid: Int32) -> String { (path as NSString).appendingPathComponent("\(pid).json") }

    /// Makes the directory (and its parents) if missing; checks it is this user's own and private.
    func prepare() throws(Problem) {
        if mkdir(path, 0o700) != 0 && errno == ENOENT {
            let parent = (path as NSString).deletingLastPathComponent
            try? FileManager.default.createDirectory(atPath: parent, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            _ = mkdir(path, 0o700)
        }
        var info = stat()
        guard lstat(path, &info) == 0 else { throw Problem(description: "cannot create \(path) (\(String(cString: strerror(errno))))") }
        guard (info.st_mode & S_IFMT) == S_IFDIR else { throw Problem(description: "\(path) is not a directory") }
        guard info.st_uid == geteuid() else { throw Problem(description: "\(path) belongs to another user") }
        if info.st_mode & 0o077 != 0, chmod(path, 0o700) != 0 {
            throw Problem(description: "\(path) is open to other users and cannot be made private")
        }
        guard access(path, W_OK | X_OK) == 0 else { throw Problem(description: "\(path) is not writable") }
    }

    /// Writes `entry` (mode 0600, atomically).
    func register(_ entry: RunEntry) throws(Problem) {
        do {
            try AtomicFile.write(StatusCoding.encode(entry), to: entryPath(for: entry.pid), mode: 0o600)
        } catch {
            throw Problem(description: "\(error)")
        }
    }

    /// Removes this process's entry (its socket goes with its server).
    func unregister(_ pid: Int32) {
        unlink(entryPath(for: pid))
    }

    /// The runs alive now, oldest first; entries and sockets of runs that are gone are removed.
    func liveEntries() -> [RunEntry] {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: path) else { return [] }
        var live: [RunEntry] = []
        for name in names where name.hasSuffix(".json") {
            let file = (path as NSString).appendingPathComponent(name)
            guard let data = FileManager.default.contents(atPath: file), let entry = try? StatusCoding.decode(RunEntry.self, from: data) else {
                continue
            }
            if entry.process.isAlive {
                live.append(entry)
            } else {
                unlink(file)
                unlink(socketPath(for: entry.pid))
            }
        }
        removeOrphanSockets(names: names)
        return live.sorted { ($0.startedAt, $0.pid) < ($1.startedAt, $1.pid) }
    }

    /// Sockets named for a pid with no entry whose process is gone (a run killed before it registered).
    private func removeOrphanSockets(names: [String]) {
        for name in names where name.hasSuffix(".sock") {
            guard let pid = Int32(name.dropLast(5)), !names.contains("\(pid).json"), kill(pid, 0) != 0, errno == ESRCH else { continue }
            unlink(socketPath(for: pid))
        }
    }
}
