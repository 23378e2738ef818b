import Synchronization

/// A transport written as one async function: each started request runs in a task of its own,
/// which `cancelAll` cancels (for test doubles; the NIO transport needs no task).
public protocol AsyncTransport: Transport {
    /// Sends one request and returns its answer; cancellation should end it early.
    func exchange(_ request: TransportRequest) async -> Result<TransportResponse, EngineError>
    /// The tasks of the requests in flight.
    var tasks: TransportTasks { get }
}

extension AsyncTransport {
    public func start(_ request: TransportRequest, completion: @escaping @Sendable (Result<TransportResponse, EngineError>) -> Void) {
        tasks.spawn { completion(await self.exchange(request)) }
    }

    public func cancelAll() { tasks.cancelAll() }
}

/// The running tasks of an `AsyncTransport`, so they can be cancelled together.
public final class TransportTasks: Sendable {
    private struct State {
        var running: [UInt64: Task<Void, Never>] = [:]
        var next: UInt64 = 0
        var cancelled = false
    }

    private let state = Mutex(State())

    public init() {}

    /// Runs `body` in a new task that leaves the set when it ends; after `cancelAll` it starts cancelled.
    func spawn(_ body: @escaping @Sendable () async -> Void) {
        state.withLock { state in
            // Registered under the lock, so the task's own removal (which takes the lock) comes after.
            let id = state.next
            state.next += 1
            let task = Task { [self] in
                await body()
                self.state.withLock { _ = $0.running.removeValue(forKey: id) }
            }
            if state.cancelled { task.cancel() }
            state.running[id] = task
        }
    }

    /// Cancels every running task and every task spawned from now on.
    func cancelAll() {
        let running = state.withLock { state in
            state.cancelled = true
            return Array(state.running.values)
        }
        running.forEach { $0.cancel() }
    }
}
