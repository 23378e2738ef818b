import DequeModule
import Synchronization

/// The keep-alive connections of one endpoint: leases idle ones, opens new ones (a bounded number at
/// a time, so thousands of first requests do not stampede the server), queues the rest.
final class ConnectionPool: Sendable {
    /// What a lease request gets.
    enum Grant {
        case connection(HTTPConnection)
        /// Permission to open one more connection.
        case open
    }

    private struct State {
        var idle: [HTTPConnection] = []
        /// Connections open or opening.
        var total = 0
        var opening = 0
        var waiters: Deque<CheckedContinuation<Grant, Never>> = []

        /// Hands out what can be handed out now, to queued waiters first.
        mutating func grants(maxConnections: Int, maxOpening: Int) -> [(CheckedContinuation<Grant, Never>, Grant)] {
            var result: [(CheckedContinuation<Grant, Never>, Grant)] = []
            while !waiters.isEmpty {
                if let connection = idle.popLast() {
                    result.append((waiters.removeFirst(), .connection(connection)))
                } else if total < maxConnections && opening < maxOpening {
                    total += 1
                    opening += 1
                    result.append((waiters.removeFirst(), .open))
                } else {
                    break
                }
            }
            return result
        }
    }

    private let state = Mutex(State())
    private let maxConnections: Int
    private let maxOpening: Int
    private let connect: @Sendable () async -> Result<HTTPConnection, EngineError>

    /// - Parameters:
    ///   - maxConnections: connections to the endpoint at most (its in-flight cap).
    ///   - maxOpening: connections being opened at once at most.
    init(maxConnections: Int, maxOpening: Int = 64, connect: @escaping @Sendable () async -> Result<HTTPConnection, EngineError>) {
        self.maxConnections = max(1, maxConnections)
        self.maxOpening = max(1, maxOpening)
        self.connect = connect
    }

    /// A connection ready for one request; give it back with `release`.
    func acquire() async -> Result<HTTPConnection, EngineError> {
        while true {
            let grant = await withCheckedContinuation { continuation in
                let ready = state.withLock { state in
                    state.waiters.append(continuation)
                    return state.grants(maxConnections: maxConnections, maxOpening: maxOpening)
                }
                ready.forEach { $0.0.resume(returning: $0.1) }
            }
            switch grant {
            case .connection(let connection):
                if connection.isReusable { return .success(connection) }
                discard()
            case .open:
                let opened = await connect()
                let ready = state.withLock { state in
                    state.opening -= 1
                    if case .failure = opened { state.total -= 1 }
                    return state.grants(maxConnections: maxConnections, maxOpening: maxOpening)
                }
                ready.forEach { $0.0.resume(returning: $0.1) }
                return opened
            }
        }
    }

    /// Returns a connection after a request: kept for the next one if it can be reused, else closed.
    func release(_ connection: HTTPConnection) {
        guard connection.isReusable else {
            connection.close()
            discard()
            return
        }
        let ready = state.withLock { state in
            state.idle.append(connection)
            return state.grants(maxConnections: maxConnections, maxOpening: maxOpening)
        }
        ready.forEach { $0.0.resume(returning: $0.1) }
    }

    /// Forgets a connection that closed.
    private func discard() {
        let ready = state.withLock { state in
            state.total -= 1
            return state.grants(maxConnections: maxConnections, maxOpening: maxOpening)
        }
        ready.forEach { $0.0.resume(returning: $0.1) }
    }

    /// Closes every idle connection.
    func closeAll() {
        let idle = state.withLock { state in
            defer { state.idle = [] }
            return state.idle
        }
        idle.forEach { $0.close() }
    }
}
