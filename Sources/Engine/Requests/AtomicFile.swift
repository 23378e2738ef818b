#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Whole-file writes that a reader never sees half done, and that no planted link can redirect.
public enum AtomicFile {
    /// Writes `bytes` to a fresh file beside `path` and renames it into place, so a reader sees
    /// the old file or the new one, never half of one.
    ///
    /// The temporary file gets a new unique name and is created with `O_EXCL | O_NOFOLLOW`: a
    /// symbolic link or a stale file planted under a predictable name is neither followed nor in
    /// the way. `rename` replaces whatever entry is at `path` (a planted link included) without
    /// following it. Throws the system's reason, after `what` when given ("the report could not be
    /// written (Is a directory)"). `mode` is the new file's permission bits (before the umask).
    public static func write(_ bytes: [UInt8], to path: String, what: String? = nil, mode: mode_t = 0o644) throws(EngineError) {
        func failure(_ reason: String) -> EngineError { .outputUnwritable(path: path, what.map { "\($0) (\(reason))" } ?? reason) }
        var attempt = 0
        while true {
            let temporary = "\(path).\(getpid()).\(UInt32.random(in: .min ... .max)).tmp"
            let descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode)
            if descriptor < 0 {
                attempt += 1
                if errno == EEXIST && attempt < 16 { continue }
                throw failure(POSIXFile.errorText)
            }
            let written = POSIXFile.writeAll(descriptor, bytes)
            let reason = POSIXFile.errorText
            close(descriptor)
            guard written else {
                unlink(temporary)
                throw failure(reason)
            }
            guard rename(temporary, path) == 0 else {
                let reason = POSIXFile.errorText
                unlink(temporary)
                throw failure(reason)
            }
            return
        }
    }
}
