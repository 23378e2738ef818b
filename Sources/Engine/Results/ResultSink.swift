import Synchronization

/// Where finished records go: the save file for answers, the errors file for final failures.
///
/// Only the runner's loop calls a sink, one call at a time.
public protocol ResultSink: Sendable {
    func writeSuccess(_ line: JSONValue) throws(EngineError)
    func writeFailure(_ line: JSONValue) throws(EngineError)
    /// Pushes buffered lines to the files (called at least once a second).
    func flush() throws(EngineError)
    /// Flushes, fsyncs and closes; called once at the end.
    func close() throws(EngineError)
    /// Lines that reached each file (not those still buffered, nor those a failed write lost).
    var linesWritten: WrittenLines { get }
}

/// How many lines reached the save and errors files.
public struct WrittenLines: Sendable, Hashable {
    public var saved = 0
    public var failed = 0

    public init(saved: Int = 0, failed: Int = 0) {
        self.saved = saved
        self.failed = failed
    }
}

/// A sink that keeps lines in memory, for tests.
public final class InMemoryResultSink: ResultSink {
    private let lines = Mutex<(successes: [JSONValue], failures: [JSONValue], closed: Bool)>(([], [], false))

    public init() {}

    public func writeSuccess(_ line: JSONValue) { lines.withLock { $0.successes.append(line) } }
    public func writeFailure(_ line: JSONValue) { lines.withLock { $0.failures.append(line) } }
    public func flush() {}
    public func close() { lines.withLock { $0.closed = true } }

    public var linesWritten: WrittenLines { lines.withLock { WrittenLines(saved: $0.successes.count, failed: $0.failures.count) } }

    public var successes: [JSONValue] { lines.withLock { $0.successes } }
    public var failures: [JSONValue] { lines.withLock { $0.failures } }
    public var isClosed: Bool { lines.withLock { $0.closed } }
}
