import Engine
import Synchronization

/// The input's record count, counted in the background as the run starts.
final class TotalLines: Sendable {
    private let value = Mutex<Int?>(nil)

    /// - Parameter shards: with n shards, this run's share is about a 1/n of the lines.
    init(path: String, shards: Int = 1) {
        Task.detached(priority: .utility) { [self] in
            let count = await LineCounter.countRecords(path: path)
            self.value.withLock { $0 = count.map { ($0 + shards - 1) / max(1, shards) } }
        }
    }

    var current: Int? { value.withLock { $0 } }
}
