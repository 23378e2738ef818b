#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An exclusive claim on one output file for as long as this process runs, so two runs never write
/// (or resume from, or repair) the same file at once.
///
/// The claim is a kernel `flock` on a small lock file beside the output (`out.jsonl.fanout.lock`):
/// it dies with the process, so a `kill -9` leaves nothing stale, and, unlike a POSIX `fcntl` lock,
/// no `close()` of another descriptor of the file in this process drops it. An flock names no
/// holder, so the lock file holds `pid@host` for the message a second run gives. The file is
/// removed on release; a run that opened it just before checks, once locked, that its path still
/// names the file it locked, and starts over when not.
public struct OutputLock: Sendable {
    /// What an attempt to claim an output found.
    public enum Outcome: Sendable {
        case held(OutputLock)
        /// Another live process holds it: `pid@host` as it wrote it (empty when unreadable).
        case busy(holder: String)
        /// The file system gives no locks (some network file systems): the reason, for a warning.
        case unsupported(String)
    }

    /// The lock file's path.
    public let path: String
    private let descriptor: Int32

    /// Where the lock of the output at `output` is kept.
    public static func lockPath(for output: String) -> String { output + ".fanout.lock" }

    /// Claims `output`, writing `holder` (`pid@host`) into its lock file; never waits.
    ///
    /// A symbolic link or other non-file planted at the lock path is removed, never followed.
    public static func claim(_ output: String, holder: String) throws(EngineError) -> Outcome {
        let path = lockPath(for: output)
        for _ in 0..<8 {
            let descriptor = open(path, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0o644)
            if descriptor < 0 {
                if errno == ELOOP || errno == EISDIR {
                    // Not ours to follow: a link (or worse) where our lock file belongs.
                    guard unlink(path) == 0 || errno == ENOENT else { throw .outputUnwritable(path: path, POSIXFile.errorText) }
                    continue
                }
                throw .outputUnwritable(path: path, POSIXFile.errorText)
            }
            guard FileIdentity(descriptor: descriptor)?.isRegular == true else {
                close(descriptor)
                unlink(path)
                continue
            }
            if flock(descriptor, LOCK_EX | LOCK_NB) != 0 {
                let failure = errno
                let holder = failure == EWOULDBLOCK ? Self.holder(descriptor) : ""
                close(descriptor)
                if failure == EWOULDBLOCK { return .busy(holder: holder) }
                if failure == EINTR { continue }
                return .unsupported(String(cString: strerror(failure)))
            }
            // The path may have been released (unlinked) between our open and our lock.
            guard let opened = FileIdentity(descriptor: descriptor), FileIdentity(linkAt: path) == opened else {
                close(descriptor)
                continue
            }
            let text = Array((holder + "\n").utf8)
            guard ftruncate(descriptor, 0) == 0, POSIXFile.writeAll(descriptor, text) else {
                let reason = POSIXFile.errorText
                close(descriptor)
                throw .outputUnwritable(path: path, reason)
            }
            return .held(OutputLock(path: path, descriptor: descriptor))
        }
        throw .outputUnwritable(path: path, "the lock file keeps changing under this run; another program is replacing it")
    }

    /// Removes the lock file, then lets go of the lock.
    public func release() {
        unlink(path)
        close(descriptor)
    }

    /// `pid@host` of this process, for the lock file.
    public static var thisProcess: String {
        var name = [CChar](repeating: 0, count: 256)
        let host = gethostname(&name, name.count - 1) == 0 ? String(cString: name) : "localhost"
        return "\(getpid())@\(host)"
    }

    /// "pid 1234 on host-a" from `1234@host-a`; the text as it is when it is not of that shape.
    public static func describe(holder: String) -> String {
        let parts = holder.split(separator: "@", maxSplits: 1)
        guard parts.count == 2, Int(parts[0]) != nil else { return holder.isEmpty ? "another process" : holder }
        return "pid \(parts[0]) on \(parts[1])"
    }

    private static func holder(_ descriptor: Int32) -> String {
        var buffer = [UInt8](repeating: 0, count: 300)
        let count = buffer.withUnsafeMutableBytes { pread(descriptor, $0.baseAddress, $0.count, 0) }
        guard count > 0 else { return "" }
        let text = String(decoding: buffer[..<count], as: UTF8.self)
        return String(text.prefix { $0 != "\n" }.filter { $0.isASCII && !$0.isWhitespace && $0.asciiValue! >= 0x20 })
    }
}
