import Engine

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Unbuffered writes to stdout and stderr, so lines appear at once even when piped.
///
/// A console that went away (a closed pipe: `fanout … | head -1`) is not the run's business: the
/// write fails quietly (SIGPIPE is ignored, see `ignoreBrokenPipes`) and the run goes on writing
/// its files. Lines go through the log's outputs, so each is written whole under a lock.
enum Console {
    static func out(_ line: String) { LogOutput.standardOutput.write(line + "\n") }

    static func error(_ line: String) { LogOutput.standardError.write(line + "\n") }

    /// Makes writes to a closed pipe fail with EPIPE instead of killing the process, and writes past
    /// a file-size limit fail with EFBIG instead of SIGXFSZ, so both are handled as errors.
    static func ignoreBrokenPipes() {
        signal(SIGPIPE, SIG_IGN)
        signal(SIGXFSZ, SIG_IGN)
    }
}
