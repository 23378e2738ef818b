import Engine
import Synchronization

/// The input's record count, counted in the background as the run starts.
final class TotalLines: Sendable {
    private let value = Mutex<Int?>(nil)

    /// - Parameter shard: with a shard, only its own records count (each line's id is read, as the
    ///   run's filter reads it), so progress never passes 100 %.
    init(path: String, shard: Shard? = nil) {
        Task.detached(priority: .utility) { [self] in
            let count = await LineCounter.countRecords(path: path, shard: shard)
            self.value.withLock { $0 = count }
        }
    }

    var current: Int? { value.withLock { $0 } }
}
