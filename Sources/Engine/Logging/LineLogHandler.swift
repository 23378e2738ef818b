import Logging
import Synchronization

#if canImport(Glibc)
import Glibc
private let systemClose = Glibc.close
#elseif canImport(Darwin)
import Darwin
private let systemClose = Darwin.close
#endif

/// A swift-log handler that writes one line per message to stderr or a log file:
/// `2026-11-29T06:40:00.123Z warning fanout: message key=value`.
///
/// Messages reach it already redacted (the engine logs error descriptions, which never hold a key).
public struct LineLogHandler: LogHandler {
    public var logLevel: Logger.Level
    public var metadata: Logger.Metadata = [:]
    private let output: LogOutput
    private let label: String

    public init(label: String, level: Logger.Level, output: LogOutput) {
        self.label = label
        self.logLevel = level
        self.output = output
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var line = "\(Self.timestamp()) \(event.level) \(label): \(event.message)"
        let merged = metadata.merging(event.metadata ?? [:]) { $1 }
        for key in merged.keys.sorted() { line += " \(key)=\(merged[key]!)" }
        output.write(line + "\n")
    }

    /// UTC time with milliseconds, ISO 8601.
    static func timestamp() -> String {
        var spec = timespec()
        clock_gettime(CLOCK_REALTIME, &spec)
        var seconds = spec.tv_sec
        var parts = tm()
        gmtime_r(&seconds, &parts)
        func two(_ value: Int32) -> String { value < 10 ? "0\(value)" : "\(value)" }
        let millis = Int(spec.tv_nsec / 1_000_000)
        let fraction = millis < 10 ? "00\(millis)" : millis < 100 ? "0\(millis)" : "\(millis)"
        return "\(parts.tm_year + 1900)-\(two(parts.tm_mon + 1))-\(two(parts.tm_mday))T"
            + "\(two(parts.tm_hour)):\(two(parts.tm_min)):\(two(parts.tm_sec)).\(fraction)Z"
    }
}

/// Where log lines go: a file descriptor written whole lines at a time under a lock.
public final class LogOutput: Sendable {
    private let descriptor: Mutex<Int32>
    private let ownsDescriptor: Bool

    /// Standard error (not closed by `close()`).
    public static let standardError = LogOutput(descriptor: 2, owns: false)
    /// Standard output (not closed by `close()`).
    public static let standardOutput = LogOutput(descriptor: 1, owns: false)

    private init(descriptor: Int32, owns: Bool) {
        self.descriptor = Mutex(descriptor)
        ownsDescriptor = owns
    }

    /// Opens `path` for appending (created if missing).
    public convenience init(appendingTo path: String) throws(EngineError) {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw .outputUnwritable(path: path, POSIXFile.errorText) }
        self.init(descriptor: descriptor, owns: true)
    }

    /// Writes one line whole, with control and bidirectional characters shown as escapes
    /// (`TerminalText`); a line that cannot be written (a full disk, a closed pipe) is dropped,
    /// never the run.
    public func write(_ line: String) {
        let safe = TerminalText.sanitized(line)
        descriptor.withLock { _ = POSIXFile.writeAll($0, Array(safe.utf8)) }
    }

    public func close() {
        guard ownsDescriptor else { return }
        descriptor.withLock { descriptor in
            if descriptor >= 0 { _ = systemClose(descriptor) }
            descriptor = -1
        }
    }
}

extension Logger {
    /// A logger that drops everything (the engine's default).
    public static let disabled = Logger(label: "fanout") { _ in SwiftLogNoOpLogHandler() }
}
