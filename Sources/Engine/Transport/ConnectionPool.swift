import DequeModule
import Synchronization

/// The keep-alive connections of one endpoint: leases a free request slot on an open connection
/// (one per HTTP/1.1 connection, up to the server's stream limit per HTTP/2 connection), opens new
/// connections (a bounded number at a time, so thousands of first requests do not stampede the
/// server), queues the rest.
///
/// While it is not yet known whether the endpoint speaks HTTP/2 (a TLS endpoint offered `h2`),
/// one connection opens at a time; once it is, no more open than the queue needs, so 4,000
/// requests share a few dozen connections. Callback-based: a lease is answered at once when a slot
/// is free, otherwise when one is released or opened, on the thread that releases or opens it.
final class ConnectionPool: Sendable {
    typealias Lease = @Sendable (Result<HTTPConnection, EngineError>) -> Void

    /// What a queued lease gets.
    private enum Grant {
        case connection(HTTPConnection)
        /// Permission to open one more connection.
        case open
    }

    private struct State {
        /// One entry per free request slot.
        var idle: [HTTPConnection] = []
        /// Every open connection, so `closeAll` reaches requests in flight.
        var open: [ObjectIdentifier: HTTPConnection] = [:]
        /// Requests each open connection carries now.
        var inUse: [ObjectIdentifier: Int] = [:]
        /// Requests each open connection was given in all.
        var uses: [ObjectIdentifier: Int] = [:]
        /// Requests an HTTP/2 connection takes before the server sends GOAWAY (nginx's
        /// `keepalive_requests`), learned from the last GOAWAY; nil until one came.
        var usesLimit: Int?
        /// Connections open or opening.
        var total = 0
        var opening = 0
        var waiters: Deque<Lease> = []
        /// After `closeAll`: no lease is granted again.
        var isClosed = false
        /// Connections at most: the endpoint's in-flight cap, which may change while the run goes.
        var maxConnections: Int
        /// Requests a connection carries at once, learned from the first one (nil: not yet known).
        var slots: Int?
        /// The endpoint may answer in HTTP/2 (TLS with `h2` offered).
        let mayMultiplex: Bool

        /// How many connections may be opening at once now.
        func openingCap(maxOpening: Int) -> Int {
            switch slots {
            case nil where mayMultiplex: 1
            case let slots? where slots > 1: min(maxOpening, 1 + waiters.count / (slots - 1))
            default: maxOpening
            }
        }

        /// What the next lease gets now, if anything.
        mutating func grant(maxOpening: Int) -> Grant? {
            guard !isClosed else { return nil }
            while let connection = idle.popLast() {
                let id = ObjectIdentifier(connection)
                // A connection the server will close after its next few requests takes no more than those.
                if let usesLimit, connection.capacity > 1, uses[id, default: 0] >= usesLimit { continue }
                inUse[id, default: 0] += 1
                uses[id, default: 0] += 1
                return .connection(connection)
            }
            guard total < maxConnections && opening < openingCap(maxOpening: maxOpening) else { return nil }
            total += 1
            opening += 1
            return .open
        }

        /// Hands out what can be handed out now to queued leases, oldest first.
        mutating func grants(maxOpening: Int) -> [(Lease, Grant)] {
            var result: [(Lease, Grant)] = []
            while let waiter = waiters.first, let grant = grant(maxOpening: maxOpening) {
                waiters.removeFirst()
                result.append((waiter, grant))
            }
            return result
        }

        /// Stops counting a connection; true when it was counted.
        mutating func remove(_ connection: HTTPConnection) -> Bool {
            let id = ObjectIdentifier(connection)
            inUse.removeValue(forKey: id)
            uses.removeValue(forKey: id)
            idle.removeAll { $0 === connection }
            guard open.removeValue(forKey: id) != nil else { return false }
            total -= 1
            return true
        }
    }

    private let state: Mutex<State>
    private let maxOpening: Int
    private let connect: @Sendable (@escaping @Sendable (Result<HTTPConnection, EngineError>) -> Void) -> Void

    /// - Parameters:
    ///   - maxConnections: connections to the endpoint at most (its in-flight cap).
    ///   - maxOpening: connections being opened at once at most.
    ///   - mayMultiplex: the endpoint may choose HTTP/2, so its first connection opens alone.
    ///   - connect: opens a connection and reports it (or the failure) once.
    init(maxConnections: Int, maxOpening: Int = 64, mayMultiplex: Bool = false,
         connect: @escaping @Sendable (@escaping @Sendable (Result<HTTPConnection, EngineError>) -> Void) -> Void) {
        state = Mutex(State(maxConnections: max(1, maxConnections), mayMultiplex: mayMultiplex))
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

    /// Returns a connection's slot after a request: kept for the next one if the connection can be
    /// reused and the pool is not above its size, else the connection closes once its last request is done.
    func release(_ connection: HTTPConnection) {
        let (next, close, ready): (Lease?, Bool, [(Lease, Grant)]) = state.withLock { state in
            let id = ObjectIdentifier(connection)
            guard let count = state.inUse[id] else { return (nil, false, []) }
            state.inUse[id] = count - 1
            if let processed = connection.processedBeforeGoAway, processed > 0 { state.usesLimit = processed }
            // A connection the server will close after the requests it has is given no more.
            let spent = state.usesLimit.map { connection.capacity > 1 && state.uses[id, default: 0] >= $0 } ?? false
            guard connection.isReusable, !spent, state.total <= state.maxConnections, !state.isClosed else {
                guard count - 1 == 0 else {
                    state.idle.removeAll { $0 === connection }
                    return (nil, false, state.grants(maxOpening: maxOpening))
                }
                _ = state.remove(connection)
                return (nil, true, state.grants(maxOpening: maxOpening))
            }
            if let waiter = state.waiters.popFirst() {
                state.inUse[id] = count
                state.uses[id, default: 0] += 1
                return (waiter, false, [])
            }
            state.idle.append(connection)
            return (nil, false, [])
        }
        if close { connection.close() }
        next?(.success(connection))
        ready.forEach { hand($0.1, to: $0.0) }
    }

    /// Changes the pool's size: a larger one serves queued leases at once, a smaller one closes idle
    /// HTTP/1.1 connections now and busy ones as they come back.
    func resize(to maxConnections: Int) {
        let (surplus, ready) = state.withLock { state -> ([HTTPConnection], [(Lease, Grant)]) in
            state.maxConnections = max(1, maxConnections)
            var surplus: [HTTPConnection] = []
            while state.total > state.maxConnections, let index = state.idle.lastIndex(where: { $0.capacity == 1 }) {
                let idle = state.idle.remove(at: index)
                _ = state.remove(idle)
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
                release(connection)
                self.lease(lease)
            }
        case .open:
            connect { [self] result in opened(result, for: lease) }
        }
    }

    /// A connection opened (or failed to) for `lease`: it gets the first slot, queued leases the rest.
    private func opened(_ result: Result<HTTPConnection, EngineError>, for lease: @escaping Lease) {
        let (ready, closed, failed) = state.withLock { state -> ([(Lease, Grant)], Bool, [Lease]) in
            state.opening -= 1
            var failed: [Lease] = []
            switch result {
            case .success(let connection):
                let id = ObjectIdentifier(connection)
                state.open[id] = connection
                state.inUse[id] = 1
                state.uses[id] = 1
                let slots = min(connection.capacity, state.usesLimit.map { max(1, $0) } ?? connection.capacity)
                state.slots = slots
                state.idle.append(contentsOf: repeatElement(connection, count: slots - 1))
            case .failure:
                state.total -= 1
                // The first connection of an endpoint that may speak HTTP/2 opens alone: when it
                // fails, the queue would fail the same way one by one, so it fails now.
                if state.slots == nil && state.mayMultiplex && state.open.isEmpty {
                    failed = Array(state.waiters)
                    state.waiters = []
                }
            }
            return (state.grants(maxOpening: maxOpening), state.isClosed, failed)
        }
        if closed, case .success(let connection) = result {
            // Opened after the pool closed: nobody will use it.
            connection.close()
            return lease(.failure(.cancelled))
        }
        lease(result)
        if case .failure(let error) = result { failed.forEach { $0(.failure(error)) } }
        ready.forEach { hand($0.1, to: $0.0) }
    }
}
