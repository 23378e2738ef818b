import Engine

/// The locks a run holds on its save, errors and report files, so a second run on any of them
/// stops at start instead of sending and writing every record again (`OutputLock`).
///
/// Taken before anything reads or repairs the files; released (their lock files removed) when the
/// run ends, and by the kernel when the process dies, `kill -9` included.
struct OutputClaims {
    private var locks: [OutputLock] = []

    /// What claiming found.
    enum Outcome {
        case claimed(OutputClaims, warnings: [String])
        /// A sentence for stderr: which file, held by whom, what to do.
        case busy(String)
        case failed(EngineError)
    }

    /// Claims each `(option, path)` in turn; on the first that is busy, lets go of the rest.
    /// Devices and pipes (`/dev/stdout`) are never claimed.
    static func claim(_ outputs: [(option: String, path: String)]) -> Outcome {
        var claims = OutputClaims()
        var warnings: [String] = []
        let holder = OutputLock.thisProcess
        for (option, path) in outputs where FileIdentity(path: path).map(\.isRegular) ?? true {
            do {
                switch try OutputLock.claim(path, holder: holder) {
                case .held(let lock):
                    claims.locks.append(lock)
                case .busy(let other):
                    claims.release()
                    return .busy("\(path) (\(option)) is in use by another fanout run (\(OutputLock.describe(holder: other))); "
                        + "two runs on the same files would send and write records twice. Wait for that run to end, stop it, "
                        + "or give this run other output files.")
                case .unsupported(let reason):
                    warnings.append("cannot lock \(path) (\(reason)): this file system gives no locks, so nothing stops a second run on the same files; run one at a time")
                }
            } catch {
                claims.release()
                return .failed(error)
            }
        }
        return .claimed(claims, warnings: warnings)
    }

    /// Lets go of every lock and removes the lock files.
    func release() {
        for lock in locks { lock.release() }
    }
}
