import Dispatch
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads a JSONL file (or stdin for `-`) as a stream, in 256 KiB chunks, with bounded memory.
///
/// Blocking `read(2)` calls run on a private dispatch queue, never on the cooperative pool, so a slow
/// stdin cannot starve the engine. The reader's state has a lock of its own, held through a read;
/// `progress` has another, never held across a read, so a snapshot never waits on a slow stdin.
public final class JSONLFileSource: RequestSource {
    /// Touched only on `queue` (the lock is never contended; it makes the state Sendable).
    private struct State {
        var descriptor: Int32
        var splitter: LineSplitter
        var ready: [SourceItem] = []
        var finished = false
        /// Whether the first item was handed out (a bad first line gets a hint about the file's format).
        var sawFirstItem = false
    }

    private let path: String
    private let defaults: RequestDefaults
    private let queue = DispatchQueue(label: "fanout.source")
    private let state: Mutex<State>
    private let progressState: Mutex<SourceProgress>

    /// Opens `path` (`-` for stdin); throws `EngineError` when it does not exist or cannot be read.
    public init(path: String, defaults: RequestDefaults, maxLineBytes: Int = InputLine.defaultMaxLineBytes) throws(EngineError) {
        self.path = path
        self.defaults = defaults
        var total: Int?
        let descriptor: Int32
        if path == "-" {
            descriptor = 0
        } else {
            descriptor = open(path, O_RDONLY | O_CLOEXEC)
            guard descriptor >= 0 else { throw EngineError.inputUnreadable(path: path, POSIXFile.errorText) }
            var info = stat()
            if fstat(descriptor, &info) == 0 {
                if (info.st_mode & S_IFMT) == S_IFDIR {
                    close(descriptor)
                    throw EngineError.inputUnreadable(path: path, "it is a directory")
                }
                if (info.st_mode & S_IFMT) == S_IFREG { total = Int(info.st_size) }
            }
        }
        state = Mutex(State(descriptor: descriptor, splitter: LineSplitter(maxLineBytes: maxLineBytes)))
        progressState = Mutex(SourceProgress(totalBytes: total))
    }

    deinit {
        state.withLock { if $0.descriptor > 0 { close($0.descriptor) } }
    }

    public var progress: SourceProgress { progressState.withLock { $0 } }

    public func next(max: Int) async throws -> [SourceItem] {
        try await withCheckedThrowingContinuation { continuation in
            queue.async { [self] in
                continuation.resume(with: Result { try self.fill(max: max) })
            }
        }
    }

    /// The first item without taking it (the next `next` still returns it); nil for an empty input.
    public func peekFirst() async throws -> SourceItem? {
        try await withCheckedThrowingContinuation { continuation in
            queue.async { [self] in
                continuation.resume(with: Result {
                    let first = try self.fill(max: 1).first
                    if let first { state.withLock { $0.ready.insert(first, at: 0) } }
                    return first
                })
            }
        }
    }

    /// The reason the input is not JSONL at all (a JSON array, CSV), judged from its first line;
    /// nil when it reads as JSONL (its lines may still be bad one by one).
    public func formatProblem() async throws -> String? {
        guard case .bad(let bad)? = try await peekFirst() else { return nil }
        return InputLine.formatHint(firstLine: bad.raw)
    }

    /// Runs on `queue`: reads until `max` items are ready or the input ends.
    private func fill(max: Int) throws -> [SourceItem] {
        try state.withLock { state in
            var buffer = [UInt8](repeating: 0, count: 256 * 1024)
            while state.ready.count < max && !state.finished {
                guard let count = POSIXFile.read(state.descriptor, into: &buffer) else {
                    throw EngineError.inputUnreadable(path: path, POSIXFile.errorText)
                }
                let defaults = self.defaults
                let maxLineBytes = state.splitter.maxLineBytes
                var items: [SourceItem] = []
                let emit: (Int, LineSplitter.Line) -> Void = { line, content in
                    items.append(Self.item(line: line, content: content, defaults: defaults, maxLineBytes: maxLineBytes))
                }
                if count == 0 {
                    state.splitter.finish(emit: emit)
                    state.finished = true
                } else {
                    buffer.withUnsafeBytes { state.splitter.feed(UnsafeRawBufferPointer(rebasing: $0[..<count]), emit: emit) }
                }
                let lines = state.splitter.lineNumber
                progressState.withLock { progress in
                    progress.bytesRead += count
                    progress.linesRead = lines
                }
                if !state.sawFirstItem, let first = items.first {
                    state.sawFirstItem = true
                    if case .bad(let bad) = first, let hint = InputLine.formatHint(firstLine: bad.raw) {
                        items[0] = .bad(BadLine(id: bad.id, line: bad.line, raw: bad.raw, reason: "\(bad.reason); \(hint)",
                                                namedID: bad.namedID, fingerprint: bad.fingerprint))
                    }
                }
                state.ready.append(contentsOf: items)
            }
            let taken = Array(state.ready.prefix(max))
            state.ready.removeFirst(taken.count)
            return taken
        }
    }

    private static func item(line: Int, content: LineSplitter.Line, defaults: RequestDefaults, maxLineBytes: Int) -> SourceItem {
        switch content {
        case .text(let bytes):
            return InputLine.classify(bytes, line: line, defaults: defaults)
        case .oversized(let prefix, let length):
            return .bad(BadLine(id: String(line), line: line, raw: InputLine.rawText(prefix) + "…",
                                reason: "line is \(length) bytes, over the \(maxLineBytes)-byte limit", namedID: false,
                                fingerprint: LineFingerprint.finalise(LineFingerprint.of(prefix) ^ UInt64(length))))
        }
    }

}
