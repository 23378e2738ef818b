import Synchronization

/// The keep-alive connections of one endpoint: leases a free request slot on an open connection
/// (one per HTTP/1.1 connection, up to the server's stream limit per HTTP/2 connection), opens new
/// connections (a bounded number at a time, so thousands of first requests do not stampede the
/// server), queues the rest.
///
/// Every decision is the `ConnectionPoolState`'s, taken under the lock; this class carries out the
/// actions it returns after unlocking. Callback-based: a lease is answered at once when a slot is
/// free, otherwise when one is released or opened, on the thread that releases or opens it.
final class ConnectionPool: Sendable {
    typealias Lease = @Sendable (Result<HTTPConnection, EngineError>) -> Void
    typealias State = ConnectionPoolState<HTTPConnection, Lease>

    private let state: Mutex<State>
    private let connect: @Sendable (@escaping @Sendable (Result<HTTPConnection, EngineError>) -> Void) -> Void

    /// - Parameters:
    ///   - maxConnections: connections to the endpoint at most (its in-flight cap).
    ///   - maxOpening: connections being opened at once at most.
    ///   - mayMultiplex: the endpoint may choose HTTP/2, so its first connection opens alone.
    ///   - connect: opens a connection and reports it (or the failure) once.
    init(maxConnections: Int, maxOpening: Int = 64, mayMultiplex: Bool = false,
         connect: @escaping @Sendable (@escaping @Sendable (Result<HTTPConnection, EngineError>) -> Void) -> Void) {
        state = Mutex(State(maxConnections: maxConnections, maxOpening: maxOpening, mayMultiplex: mayMultiplex))
        self.connect = connect
    }

    /// Calls `lease` once with a connection ready for one request (give it back with `release`),
    /// the error opening one failed with, or `.cancelled` once the pool is closed.
    func lease(_ lease: @escaping Lease) {
        run(state.withLock { $0.lease(lease) }, failure: .cancelled)
    }

    /// Returns a connection's slot after a request (see `ConnectionPoolState.release`).
    func release(_ connection: HTTPConnection, outcome: State.Outcome = .answered) {
        run(state.withLock { $0.release(connection, outcome: outcome) }, failure: .cancelled)
    }

    /// False once the server was seen closing its connections after every answer (`ConnectionReuse`).
    var reusesConnections: Bool { state.withLock { $0.reuse.reuses } }

    /// Changes the pool's size (see `ConnectionPoolState.resize`).
    func resize(to maxConnections: Int) {
        run(state.withLock { $0.resize(to: maxConnections) }, failure: .cancelled)
    }

    /// Closes every connection, idle or carrying a request (whose exchange then fails), and fails
    /// queued leases with `.cancelled`; later leases fail the same way.
    func closeAll() {
        run(state.withLock { $0.closeAll() }, failure: .cancelled)
    }

    /// Carries out the state machine's actions: closes, failures, then grants.
    private func run(_ actions: State.Actions, failure: EngineError) {
        actions.close.forEach { $0.close() }
        actions.fail.forEach { $0(.failure(failure)) }
        for (lease, grant) in actions.grants { hand(grant, to: lease) }
    }

    private func hand(_ grant: State.Grant, to lease: @escaping Lease) {
        switch grant {
        case .connection(let connection):
            // (An HTTP/1.1 connection was checked when granted; one that closed since fails its
            // request as not processed, which is resent.)
            if connection.capacity == 1 || connection.isReusable {
                lease(.success(connection))
            } else {
                // Closed by the server since the lock was let go: nothing was sent on it.
                release(connection, outcome: .closedBeforeAnswer)
                self.lease(lease)
            }
        case .fresh(let connection):
            lease(.success(connection))
        case .open:
            connect { [self] result in opened(result, for: lease) }
        }
    }

    /// A connection opened (or failed to) for `lease`.
    private func opened(_ result: Result<HTTPConnection, EngineError>, for lease: @escaping Lease) {
        switch result {
        case .success(let connection):
            run(state.withLock { $0.opened(connection, for: lease) }, failure: .cancelled)
        case .failure(let error):
            run(state.withLock { $0.openFailed(for: lease) }, failure: error)
        }
    }
}
