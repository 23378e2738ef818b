#if canImport(Glibc)
import Glibc
private let systemWrite = Glibc.write
#elseif canImport(Darwin)
import Darwin
private let systemWrite = Darwin.write
#endif

/// Unbuffered writes to stdout and stderr, so lines appear at once even when piped.
///
/// A console that went away (a closed pipe: `fanout … | head -1`) is not the run's business: the
/// write fails quietly (SIGPIPE is ignored, see `ignoreBrokenPipes`) and the run goes on writing
/// its files.
enum Console {
    static func out(_ line: String) { write(line, to: STDOUT_FILENO) }

    static func error(_ line: String) { write(line, to: STDERR_FILENO) }

    /// Makes writes to a closed pipe fail with EPIPE instead of killing the process, and writes past
    /// a file-size limit fail with EFBIG instead of SIGXFSZ, so both are handled as errors.
    static func ignoreBrokenPipes() {
        signal(SIGPIPE, SIG_IGN)
        signal(SIGXFSZ, SIG_IGN)
    }

    private static func write(_ line: String, to descriptor: Int32) {
        var bytes = Array((line + "\n").utf8)
        var offset = 0
        while offset < bytes.count {
            let count = bytes.withUnsafeMutableBytes { systemWrite(descriptor, $0.baseAddress! + offset, $0.count - offset) }
            if count < 0 && errno == EINTR { continue }
            if count <= 0 { return }
            offset += count
        }
    }
}
