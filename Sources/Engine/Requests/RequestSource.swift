import Synchronization

/// Where requests come from: yields the input's non-blank lines, classified, in order.
public protocol RequestSource: Sendable {
    /// The next items, at most `max`; an empty array means the input is finished.
    ///
    /// Throws `EngineError` when the input cannot be read any further.
    func next(max: Int) async throws -> [SourceItem]

    /// Bytes consumed so far and the total when known (a regular file), for progress display.
    var progress: SourceProgress { get }
}

/// How far a source has read.
public struct SourceProgress: Sendable, Hashable {
    public var bytesRead: Int
    public var totalBytes: Int?
    public var linesRead: Int

    public init(bytesRead: Int = 0, totalBytes: Int? = nil, linesRead: Int = 0) {
        self.bytesRead = bytesRead
        self.totalBytes = totalBytes
        self.linesRead = linesRead
    }
}

/// A source over items held in memory, for tests.
public final class InMemoryRequestSource: RequestSource {
    private let state: Mutex<(items: [SourceItem], position: Int)>

    public init(_ items: [SourceItem]) {
        state = Mutex((items, 0))
    }

    public func next(max: Int) async throws -> [SourceItem] {
        state.withLock { state in
            let end = Swift.min(state.items.count, state.position + max)
            defer { state.position = end }
            return Array(state.items[state.position..<end])
        }
    }

    public var progress: SourceProgress {
        state.withLock { SourceProgress(bytesRead: $0.position, totalBytes: $0.items.count, linesRead: $0.position) }
    }
}
