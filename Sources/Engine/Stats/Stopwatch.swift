import Synchronization

/// Seconds since a start, on any clock: the stats recorder's time, so tests can give it a manual clock.
final class Stopwatch: Sendable {
    /// Seconds since a fixed moment of the clock's.
    private let reading: @Sendable () -> Double
    private let origin: Mutex<Double>

    init<C: Clock>(clock: C) where C.Duration == Duration {
        let base = clock.now
        reading = { base.duration(to: clock.now).inSeconds }
        origin = Mutex(0)
    }

    /// Starts counting again from now.
    func restart() {
        let now = reading()
        origin.withLock { $0 = now }
    }

    /// Seconds since the last `restart` (or the stopwatch's creation).
    var elapsed: Double { reading() - origin.withLock { $0 } }
}
