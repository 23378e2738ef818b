import DequeModule

/// What a pool needs to know of a connection to decide about it.
protocol PooledConnection: AnyObject {
    /// Requests it carries at once: 1 over HTTP/1.1, the server's stream limit over HTTP/2.
    var capacity: Int { get }
    /// Open, and not told by the server to go away.
    var isReusable: Bool { get }
    /// After an HTTP/2 GOAWAY: the requests the server processed on it (nil: no GOAWAY).
    var processedBeforeGoAway: Int? { get }
}

extension HTTPConnection: PooledConnection {}

/// A connection pool's decisions as a state machine: events in (a lease asked for, a connection
/// released, opened, failed to open; a resize; close), actions out (`Actions`: what to hand to
/// whom, what to open, close and fail). The `ConnectionPool` holds it under a lock and carries
/// the actions out after unlocking, the shape of AsyncHTTPClient's `HTTPConnectionPool.StateMachine`.
///
/// While it is not yet known whether the endpoint speaks HTTP/2 (a TLS endpoint offered `h2`),
/// one connection opens at a time; once it is, no more open than the queue needs.
struct ConnectionPoolState<Connection: PooledConnection, Waiter> {
    /// What a waiter gets.
    enum Grant {
        case connection(Connection)
        /// The connection just opened for this waiter: handed over as it is (a failure on it
        /// fails the request, which the scheduler resends; it is not reopened in a loop).
        case fresh(Connection)
        /// Permission to open one more connection.
        case open
    }

    /// What to do once the lock is released, in this order.
    struct Actions {
        /// Waiters to hand a connection to, or to open one for.
        var grants: [(Waiter, Grant)] = []
        var close: [Connection] = []
        /// Waiters that fail (with the error of the event, or `.cancelled` after `closeAll`).
        var fail: [Waiter] = []
    }

    /// One entry per free request slot.
    private var idle: [Connection] = []
    /// Every open connection, so `closeAll` reaches requests in flight.
    private var open: [ObjectIdentifier: Connection] = [:]
    /// Requests each open connection carries now.
    private var inUse: [ObjectIdentifier: Int] = [:]
    /// Requests each open connection was given in all.
    private var uses: [ObjectIdentifier: Int] = [:]
    /// Requests an HTTP/2 connection takes before the server sends GOAWAY (nginx's
    /// `keepalive_requests`), learned from the last GOAWAY; nil until one came.
    private var usesLimit: Int?
    /// Connections open or opening.
    private(set) var total = 0
    private(set) var opening = 0
    private var waiters: Deque<Waiter> = []
    /// After `closeAll`: nothing is granted again.
    private(set) var isClosed = false
    /// Connections at most: the endpoint's in-flight cap, which may change while the run goes.
    private var maxConnections: Int
    private let maxOpening: Int
    /// Requests a connection carries at once, learned from the first one (nil: not yet known).
    private var slots: Int?
    /// The endpoint may answer in HTTP/2 (TLS with `h2` offered).
    private let mayMultiplex: Bool
    /// Whether the server keeps HTTP/1.1 connections alive (`ConnectionReuse`).
    private(set) var reuse = ConnectionReuse()

    /// How a request on a connection ended, as far as reusing the connection goes.
    enum Outcome: Sendable {
        case answered
        /// The server closed the connection before any byte of the answer.
        case closedBeforeAnswer
        case failed
    }

    init(maxConnections: Int, maxOpening: Int, mayMultiplex: Bool) {
        self.maxConnections = max(1, maxConnections)
        self.maxOpening = max(1, maxOpening)
        self.mayMultiplex = mayMultiplex
    }

    /// A waiter asks for a connection: granted now if one is free (and nobody queued first), else queued.
    mutating func lease(_ waiter: Waiter) -> Actions {
        guard !isClosed else { return Actions(fail: [waiter]) }
        if waiters.isEmpty, let grant = grant() { return Actions(grants: [(waiter, grant)]) }
        waiters.append(waiter)
        return Actions()
    }

    /// A request on `connection` finished: its slot goes to the next waiter or back to idle, or
    /// the connection closes (not reusable, spent, above the pool's size, or the pool closed).
    mutating func release(_ connection: Connection, outcome: Outcome = .answered) -> Actions {
        let id = ObjectIdentifier(connection)
        guard let count = inUse[id] else { return Actions() }
        inUse[id] = count - 1
        if let processed = connection.processedBeforeGoAway, processed > 0 { usesLimit = processed }
        let used = uses[id, default: 0]
        if connection.capacity == 1 {
            switch outcome {
            case .answered where used > 1: reuse.reused()
            case .closedBeforeAnswer: _ = reuse.serverClosed(afterAnswers: used - 1)
            default: break
            }
        }
        // A connection the server will close after the requests it has is given no more; nor is
        // an HTTP/1.1 connection to a server that closes them after each answer.
        let spent = (usesLimit.map { connection.capacity > 1 && used >= $0 } ?? false) || (connection.capacity == 1 && !reuse.reuses)
        guard connection.isReusable, !spent, total <= maxConnections, !isClosed else {
            guard count - 1 == 0 else {
                idle.removeAll { $0 === connection }
                return Actions(grants: grants())
            }
            remove(connection)
            return Actions(grants: grants(), close: [connection])
        }
        if let waiter = waiters.popFirst() {
            inUse[id] = count
            uses[id, default: 0] += 1
            return Actions(grants: [(waiter, .connection(connection))])
        }
        idle.append(connection)
        return Actions()
    }

    /// The pool's size changes: a larger one serves waiters at once, a smaller one closes idle
    /// HTTP/1.1 connections now (busy ones as they come back).
    mutating func resize(to size: Int) -> Actions {
        maxConnections = max(1, size)
        var surplus: [Connection] = []
        while total > maxConnections, let index = idle.lastIndex(where: { $0.capacity == 1 }) {
            let connection = idle.remove(at: index)
            remove(connection)
            surplus.append(connection)
        }
        return Actions(grants: grants(), close: surplus)
    }

    /// Closes the pool: every connection closes (requests on them fail), waiters fail.
    mutating func closeAll() -> Actions {
        isClosed = true
        defer { idle = []; waiters = [] }
        return Actions(close: Array(open.values), fail: Array(waiters))
    }

    /// A connection opened for a waiter: it takes the first slot (`grants` starts with it), the
    /// queue the rest. Opened after the pool closed: it closes and the waiter fails.
    mutating func opened(_ connection: Connection, for waiter: Waiter) -> Actions {
        opening -= 1
        if isClosed { return Actions(close: [connection], fail: [waiter]) }
        let id = ObjectIdentifier(connection)
        open[id] = connection
        inUse[id] = 1
        uses[id] = 1
        let slots = min(connection.capacity, usesLimit.map { max(1, $0) } ?? connection.capacity)
        self.slots = slots
        idle.append(contentsOf: repeatElement(connection, count: slots - 1))
        return Actions(grants: [(waiter, .fresh(connection))] + grants())
    }

    /// Opening a connection for `waiter` failed: it fails, and so does the whole queue when this
    /// was an HTTP/2-capable endpoint's first connection (each would fail the same way, one by one).
    mutating func openFailed(for waiter: Waiter) -> Actions {
        opening -= 1
        total -= 1
        var failed = [waiter]
        if slots == nil && mayMultiplex && open.isEmpty {
            failed += waiters
            waiters = []
        }
        return Actions(grants: grants(), fail: failed)
    }

    // MARK: - Granting

    /// How many connections may be opening at once now.
    private var openingCap: Int {
        switch slots {
        case nil where mayMultiplex: 1
        case let slots? where slots > 1: min(maxOpening, 1 + waiters.count / (slots - 1))
        default: maxOpening
        }
    }

    /// What the next waiter gets now, if anything.
    private mutating func grant() -> Grant? {
        guard !isClosed else { return nil }
        while let connection = idle.popLast() {
            let id = ObjectIdentifier(connection)
            // An idle HTTP/1.1 connection the server has closed since its last answer.
            if connection.capacity == 1, !connection.isReusable {
                // (Its channel is closed already: it only leaves the pool.)
                _ = reuse.serverClosed(afterAnswers: uses[id, default: 0])
                remove(connection)
                continue
            }
            // A connection the server will close after its next few requests takes no more than those.
            if let usesLimit, connection.capacity > 1, uses[id, default: 0] >= usesLimit { continue }
            inUse[id, default: 0] += 1
            uses[id, default: 0] += 1
            return .connection(connection)
        }
        guard total < maxConnections && opening < openingCap else { return nil }
        total += 1
        opening += 1
        return .open
    }

    /// Hands out what can be handed out now to queued waiters, oldest first.
    private mutating func grants() -> [(Waiter, Grant)] {
        var result: [(Waiter, Grant)] = []
        while let waiter = waiters.first, let grant = grant() {
            waiters.removeFirst()
            result.append((waiter, grant))
        }
        return result
    }

    /// Stops counting a connection.
    private mutating func remove(_ connection: Connection) {
        let id = ObjectIdentifier(connection)
        inUse.removeValue(forKey: id)
        uses.removeValue(forKey: id)
        idle.removeAll { $0 === connection }
        if open.removeValue(forKey: id) != nil { total -= 1 }
    }
}
