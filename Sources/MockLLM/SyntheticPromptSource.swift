import Engine
import Synchronization

/// Synthetic prompts made as they are read, for the demo: `SyntheticPrompts.line` 1, 2, 3 … up to
/// `count`, or without end.
public final class SyntheticPromptSource: RequestSource {
    private let defaults: RequestDefaults
    private let count: Int?
    private let position = Mutex(0)

    /// - Parameter count: lines to make; nil makes them until the run stops.
    public init(defaults: RequestDefaults, count: Int? = nil) {
        self.defaults = defaults
        self.count = count
    }

    public func next(max: Int) async throws -> [SourceItem] {
        let range = position.withLock { position in
            let end = count.map { Swift.min($0, position + max) } ?? position + max
            defer { position = Swift.max(position, end) }
            return position..<end
        }
        return range.map { index in InputLine.classify(SyntheticPrompts.line(index + 1), line: index + 1, defaults: defaults) }
    }

    public var progress: SourceProgress {
        let read = position.withLock { $0 }
        return SourceProgress(bytesRead: 0, totalBytes: nil, linesRead: read)
    }
}
