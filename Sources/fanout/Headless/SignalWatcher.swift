import Dispatch
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Turns SIGINT and SIGTERM into a graceful stop; a second signal ends the process at once.
final class SignalWatcher {
    /// The first signal received; shared with the handlers, which run on a dispatch queue.
    private final class Latch: Sendable {
        let first = Mutex<Int32?>(nil)
    }

    private let latch = Latch()
    private var sources: [any DispatchSourceSignal] = []

    /// - Parameters:
    ///   - onFirst: called once, for the first signal (ask the engine to stop).
    ///   - onSecond: called for a second signal, before the process exits with 128 + signal.
    ///   - signals: the signals watched (attach adds SIGHUP: its terminal went away).
    init(signals: [Int32] = [SIGINT, SIGTERM], onFirst: @escaping @Sendable (Int32) -> Void, onSecond: @escaping @Sendable () -> Void = {}) {
        for number in signals {
            _ = signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { [latch] in
                let isFirst = latch.first.withLock { value -> Bool in
                    guard value == nil else { return false }
                    value = number
                    return true
                }
                if isFirst {
                    onFirst(number)
                } else {
                    onSecond()
                    exit(128 + number)
                }
            }
            source.resume()
            sources.append(source)
        }
    }

    var receivedSignal: Int32? { latch.first.withLock { $0 } }

    /// A closure that reads the received signal, safe to hand to another task.
    var signalProbe: @Sendable () -> Int32? { { [latch] in latch.first.withLock { $0 } } }

    func cancel() {
        sources.forEach { $0.cancel() }
        sources = []
    }
}
