#if canImport(Glibc)
import Glibc
#endif

/// Process limits a run with thousands of connections needs.
enum FileLimits {
    /// Raises the soft limit on open files to the hard limit: each request in flight holds a socket,
    /// and the default soft limit (often 1,024) would fail connections long before `--max_in_flight`.
    static func raiseOpenFileLimit() {
        var limit = rlimit()
        guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0, limit.rlim_cur < limit.rlim_max else { return }
        limit.rlim_cur = limit.rlim_max
        _ = setrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
    }
}
