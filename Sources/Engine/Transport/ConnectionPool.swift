import DequeModule
import Synchronization

/// The keep-alive connections of one endpoint: leases idle ones, opens new ones (a bounded number at
/// a time, so thousands of first requests do not stampede the server), queues the rest.
///
/// Callback-based: a lease is answered at once when a connection is idle, otherwise when one is
/// released or opened, on the thread that releases or opens it.
final class ConnectionPool: Sendable {
    typealias Lease = @Sendable (Result<HTTPConnection, EngineError>) -> Void

    /// What a queued lease gets.
    private enum Grant {
        case connection(HTTPConnection)
        /// Permission to open one more connection.
        case open
    }

    private struct State {
        var idle: [HTTPConnection] = []
        /// Every open connection, idle or leased, so `closeAll` reaches requests in flight.
        var open: [ObjectIdentifier: HTTPConnection] = [:]
        /// Connections open or opening.
        var total = 0
        var opening = 0
        var waiters: Deque<Lease> = []
        /// After `closeAll`: no lease is granted again.
        var isClosed = false
        /// Connections at most: the endpoint's in-flight cap, which may change while the run goes.
        var maxConnections: Int

        /// What the next lease gets now, if anything.
        mutating func grant(maxOpening: Int) -> Grant? {
            guard !isClosed else { return nil }
            if let connection = idle.popLast() { return .connection(connection) }
            guard total < maxConnections && opening < maxOpening else { return nil }
            total += 1
            opening += 1
            return .open
        }

        /// Hands out what can be handed out now to queued leases, oldest first.
        mutating func grants(maxOpening: Int) -> [(Lease, Grant)] {
            var result: [(Lease, Grant)] = []
            while !waiters.isEmpty, let grant = grant(maxOpening: maxOpening) {
                result.append((waiters.removeFirst(), grant))
            }
            return result
        }
    }

    private let state: Mutex<State>
    private let maxOpening: Int
    private let connect: @Sendable (@escaping @Sendable (Result<HTTPConnection, EngineError>) -> Void) -> Void

    /// - Parameters:
    ///   - maxConnections: connections to the endpoint at most (its in-flight cap).
    ///   - maxOpening: connections being opened at once at most.
    ///   - connect: opens a connection and reports it (or the failure) once.
    init(maxConnections: Int, maxOpening: Int = 64,
         connect: @escaping @Sendable (@escaping @Sendable (Result<HTTPConnection, EngineError>) -> Void) -> Void) {
        state = Mutex(State(maxConnections: max(1, maxConnections)))
        self.maxOpening = max(1, maxOpening)
        self.connect = connect
    }

    /// Calls `lease` once with a connection ready for one request (give it back with `release`),
    /// the error opening one failed with, or `.cancelled` once the pool is closed.
    func lease(_ lease: @escaping Lease) {
        let (grant, closed) = state.withLock { state -> (Grant?, Bool) in
            guard !state.isClosed else { return (nil, true) }
            // Queued leases go first; a newcomer only takes what is free when nobody waits.
            let grant = state.waiters.isEmpty ? state.grant(maxOpening: maxOpening) : nil
            if grant == nil { state.waiters.append(lease) }
            return (grant, false)
        }
        if closed { return lease(.failure(.cancelled)) }
        if let grant { hand(grant, to: lease) }
    }

    /// Returns a connection after a request: kept for the next one if it can be reused and the pool
    /// is not above its size, else closed.
    func release(_ connection: HTTPConnection) {
        let next: Lease?? = state.withLock { state in
            guard connection.isReusable, state.total <= state.maxConnections else { return .none }
            if let waiter = state.waiters.popFirst() { return .some(waiter) }
            if !state.isClosed { state.idle.append(connection) }
            return .some(nil)
        }
        guard let next else {
            connection.close()
            return forget(connection)
        }
        next?(.success(connection))
    }

    /// Changes the pool's size: a larger one serves queued leases at once, a smaller one closes idle
    /// connections now and busy ones as they come back.
    func resize(to maxConnections: Int) {
        let (surplus, ready) = state.withLock { state -> ([HTTPConnection], [(Lease, Grant)]) in
            state.maxConnections = max(1, maxConnections)
            var surplus: [HTTPConnection] = []
            while state.total > state.maxConnections, let idle = state.idle.popLast() {
                state.open.removeValue(forKey: ObjectIdentifier(idle))
                state.total -= 1
                surplus.append(idle)
            }
            return (surplus, state.grants(maxOpening: maxOpening))
        }
        surplus.forEach { $0.close() }
        ready.forEach { hand($0.1, to: $0.0) }
    }

    /// Closes every connection, idle or carrying a request (whose exchange then fails), and fails
    /// queued leases with `.cancelled`; later leases fail the same way.
    func closeAll() {
        let (open, waiters) = state.withLock { state in
            state.isClosed = true
            defer { state.idle = []; state.waiters = [] }
            return (Array(state.open.values), Array(state.waiters))
        }
        open.forEach { $0.close() }
        waiters.forEach { $0(.failure(.cancelled)) }
    }

    private func hand(_ grant: Grant, to lease: @escaping Lease) {
        switch grant {
        case .connection(let connection):
            if connection.isReusable {
                lease(.success(connection))
            } else {
                forget(connection)
                self.lease(lease)
            }
        case .open:
            connect { [self] opened in
                let (ready, closed) = state.withLock { state in
                    state.opening -= 1
                    switch opened {
                    case .success(let connection): state.open[ObjectIdentifier(connection)] = connection
                    case .failure: state.total -= 1
                    }
                    return (state.grants(maxOpening: maxOpening), state.isClosed)
                }
                if closed, case .success(let connection) = opened {
                    // Opened after the pool closed: nobody will use it.
                    connection.close()
                    return lease(.failure(.cancelled))
                }
                lease(opened)
                ready.forEach { hand($0.1, to: $0.0) }
            }
        }
    }

    /// Forgets a connection that closed, making room for a new one.
    private func forget(_ connection: HTTPConnection) {
        let ready = state.withLock { state in
            if state.open.removeValue(forKey: ObjectIdentifier(connection)) != nil { state.total -= 1 }
            return state.grants(maxOpening: maxOpening)
        }
        ready.forEach { hand($0.1, to: $0.0) }
    }
}
