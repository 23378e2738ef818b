#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Process limits a run with thousands of connections needs.
enum FileLimits {
    /// Raises the soft limit on open files to the hard limit: each request in flight holds a socket,
    /// and the default soft limit (often 1,024) would fail connections long before `--max_in_flight`.
    static func raiseOpenFileLimit() {
        #if canImport(Glibc)
        let resource = Int32(RLIMIT_NOFILE.rawValue)
        #else
        let resource = RLIMIT_NOFILE
        #endif
        var limit = rlimit()
        guard getrlimit(resource, &limit) == 0, limit.rlim_cur < limit.rlim_max else { return }
        #if canImport(Darwin)
        // macOS reports an unlimited hard limit but refuses a soft limit above OPEN_MAX.
        limit.rlim_cur = min(limit.rlim_max, rlim_t(OPEN_MAX))
        #else
        limit.rlim_cur = limit.rlim_max
        #endif
        _ = setrlimit(resource, &limit)
    }
}
