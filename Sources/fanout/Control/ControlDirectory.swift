import Engine
import Foundation

/// The per-user directory where runs put their default control sockets and their `RunEntry`s.
///
/// `$FANOUT_CONTROL_DIR`, else `$XDG_RUNTIME_DIR/fanout`, else `~/.local/state/fanout`. Made with
/// mode 0700 when missing. Run, `ps` and `attach` alike use it only when it is a real directory
/// (not a symbolic link, even to this user's own), owned by this user, not writable by others and
/// without the sticky bit; a directory fanout did not make keeps its mode: a shared one is refused,
/// never "fixed". Each entry is read only when it is a regular file of this user (not a link), so
/// nobody else can plant a run for `ps` or `attach` to trust. Entries of processes that are gone
/// are removed by whoever lists them next.
struct ControlDirectory: Sendable {
    struct Problem: Error, CustomStringConvertible {
        let description: String
    }

    /// The most an entry may hold (a real one is a few hundred bytes).
    static let maxEntryBytes = 64 * 1024

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

    /// The path as `lstat` must see it: a trailing `/` would make it follow a link.
    private var exactPath: String {
        var trimmed = Substring(path)
        while trimmed.count > 1, trimmed.hasSuffix("/") { trimmed = trimmed.dropLast() }
        return String(trimmed)
    }

    /// Makes the directory (and its parents) if missing; checks it is this user's own and private.
    func prepare() throws(Problem) {
        var made = mkdir(exactPath, 0o700) == 0
        if !made && errno == ENOENT {
            let parent = (exactPath as NSString).deletingLastPathComponent
            try? FileManager.default.createDirectory(atPath: parent, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            made = mkdir(exactPath, 0o700) == 0
        }
        // Ours, just made: 0700 whatever the umask took away (a directory fanout did not make keeps its mode).
        if made { chmod(exactPath, 0o700) }
        if let refusal = refusal() { throw Problem(description: refusal) }
        guard access(exactPath, W_OK | X_OK) == 0 else { throw Problem(description: "\(path) is not writable") }
    }

    /// Why this directory may not be used, or nil when it may.
    func refusal() -> String? {
        var info = stat()
        guard lstat(exactPath, &info) == 0 else { return "\(path) cannot be read (\(String(cString: strerror(errno))))" }
        switch info.st_mode & S_IFMT {
        case S_IFLNK: return "\(path) is a symbolic link (give the directory itself)"
        case S_IFDIR: break
        default: return "\(path) is not a directory"
        }
        guard info.st_uid == geteuid() else { return "\(path) belongs to another user" }
        let mode = String(info.st_mode & 0o7777, radix: 8)
        guard info.st_mode & 0o022 == 0 else { return "\(path) is writable by other users (mode \(mode))" }
        guard info.st_mode & S_ISVTX == 0 else { return "\(path) is a shared directory (sticky bit, mode \(mode))" }
        return nil
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
    ///
    /// A directory or an entry that fails the checks is skipped with one line to `warn`.
    func liveEntries(warn: (String) -> Void) -> [RunEntry] {
        if let refusal = refusal() {
            var info = stat()
            if lstat(exactPath, &info) == 0 || errno != ENOENT { warn("not reading the control directory: \(refusal)") }
            return []
        }
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: exactPath) else { return [] }
        var live: [RunEntry] = []
        for name in names where name.hasSuffix(".json") {
            let file = (exactPath as NSString).appendingPathComponent(name)
            let entry: RunEntry
            switch Self.readEntry(file) {
            case .success(let read): entry = read
            case .failure(let problem):
                warn("skipping \(file): \(problem)")
                continue
            }
            if entry.process.isAlive {
                live.append(entry)
            } else {
                unlink(file)
                removeOwnSocket(socketPath(for: entry.pid))
            }
        }
        removeOrphanSockets(names: names)
        return live.sorted { ($0.startedAt, $0.pid) < ($1.startedAt, $1.pid) }
    }

    /// The entry in `file`, read only when it is a regular file of this user, opened without following a link.
    static func readEntry(_ file: String) -> Result<RunEntry, Problem> {
        let descriptor = open(file, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC)
        guard descriptor >= 0 else {
            return .failure(Problem(description: errno == ELOOP ? "it is a symbolic link" : String(cString: strerror(errno))))
        }
        let handle = FileHandle(fileDescriptor: descriptor, closeOnDealloc: true)
        var info = stat()
        guard fstat(descriptor, &info) == 0 else { return .failure(Problem(description: String(cString: strerror(errno)))) }
        guard info.st_mode & S_IFMT == S_IFREG else { return .failure(Problem(description: "not a regular file")) }
        guard info.st_uid == geteuid() else { return .failure(Problem(description: "it belongs to another user")) }
        guard info.st_mode & 0o022 == 0 else { return .failure(Problem(description: "it is writable by other users")) }
        guard let data = try? handle.read(upToCount: maxEntryBytes + 1), data.count <= maxEntryBytes,
              let entry = try? StatusCoding.decode(RunEntry.self, from: data) else {
            return .failure(Problem(description: "not a fanout run entry"))
        }
        return .success(entry)
    }

    /// Removes `path` when it is this user's socket (or a file left in its place), never a link or a directory.
    private func removeOwnSocket(_ path: String) {
        var info = stat()
        guard lstat(path, &info) == 0, [S_IFSOCK, S_IFREG].contains(info.st_mode & S_IFMT), info.st_uid == geteuid() else { return }
        unlink(path)
    }

    /// Sockets named for a pid with no entry whose process is gone (a run killed before it registered).
    private func removeOrphanSockets(names: [String]) {
        for name in names where name.hasSuffix(".sock") {
            guard let pid = Int32(name.dropLast(5)), !names.contains("\(pid).json"), kill(pid, 0) != 0, errno == ESRCH else { continue }
            removeOwnSocket(socketPath(for: pid))
        }
    }
}
