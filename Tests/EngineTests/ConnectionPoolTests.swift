import NIOCore
import NIOEmbedded
import NIOHTTP2
import Synchronization
import Testing
@testable import Engine

@Suite struct ConnectionPoolTests {
    /// A pool whose connections open only when the test says so: `opens` holds the pending callbacks.
    final class Opener: Sendable {
        let pending = Mutex<[@Sendable (Result<HTTPConnection, EngineError>) -> Void]>([])

        func connect(_ done: @escaping @Sendable (Result<HTTPConnection, EngineError>) -> Void) {
            pending.withLock { $0.append(done) }
        }

        var count: Int { pending.withLock { $0.count } }

        /// Completes the oldest pending open with a fresh active connection.
        func openOne() throws {
            let done = pending.withLock { $0.removeFirst() }
            let channel = EmbeddedChannel()
            try channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 1)).wait()
            done(.success(HTTPConnection(http1: channel)))
        }
    }

    final class Leases: Sendable {
        let results = Mutex<[Int: Result<HTTPConnection, EngineError>]>([:])

        func record(_ index: Int) -> @Sendable (Result<HTTPConnection, EngineError>) -> Void {
            { [self] result in results.withLock { $0[index] = result } }
        }

        func connection(_ index: Int) -> HTTPConnection? { results.withLock { try? $0[index]?.get() } }
        func failed(_ index: Int) -> EngineError? {
            results.withLock { if case .failure(let error)? = $0[index] { return error } else { return nil } }
        }
        var count: Int { results.withLock { $0.count } }
    }

    /// No more than `maxOpening` connections open at once and no more than `maxConnections` in all;
    /// the rest queue and are served in order as connections come back.
    @Test func boundsOpeningAndServesInOrder() throws {
        let opener = Opener()
        let pool = ConnectionPool(maxConnections: 3, maxOpening: 2) { opener.connect($0) }
        let leases = Leases()
        for index in 0..<5 { pool.lease(leases.record(index)) }
        #expect(opener.count == 2 && leases.count == 0)
        try opener.openOne()
        #expect(leases.connection(0) != nil && opener.count == 2)
        try opener.openOne()
        try opener.openOne()
        #expect(leases.count == 3 && opener.count == 0)
        let first = try #require(leases.connection(0))
        pool.release(first)
        #expect(leases.connection(3) === first && leases.count == 4)
    }

    /// A server that closes each connection after its answer (while saying keep-alive) is noticed
    /// after three such closes, found idle or met by a request; from then on each connection is
    /// closed after its answer, and the next request opens a fresh one.
    @Test func serverClosingEveryConnectionIsNoticed() throws {
        let opener = Opener()
        let pool = ConnectionPool(maxConnections: 4) { opener.connect($0) }
        let leases = Leases()
        var served = 0
        for round in 0..<3 {
            pool.lease(leases.record(served))
            if round > 0 {
                // The idle connection was found closed: the lease asked for a new one.
                #expect(opener.count == 1 && leases.connection(served) == nil)
            }
            try opener.openOne()
            let connection = try #require(leases.connection(served))
            pool.release(connection, outcome: .answered)
            try connection.channel.close().wait()
            served += 1
            #expect(pool.reusesConnections)
        }
        pool.lease(leases.record(served))
        #expect(!pool.reusesConnections && opener.count == 1)
        try opener.openOne()
        let fresh = try #require(leases.connection(served))
        pool.release(fresh, outcome: .answered)
        #expect(!fresh.channel.isActive, "closed after its answer")
    }

    /// A second request that met its connection closed (the keep-alive race lost) counts as a
    /// close after one answer: three such connections make the judgement. A connection closed after
    /// several answers does not count.
    @Test func racesLostCountAsCloses() throws {
        let opener = Opener()
        let pool = ConnectionPool(maxConnections: 1) { opener.connect($0) }
        let leases = Leases()
        var index = 0
        func serve(answersBeforeClose: Int) throws {
            pool.lease(leases.record(index))
            try opener.openOne()
            let connection = try #require(leases.connection(index))
            index += 1
            for _ in 1..<answersBeforeClose + 1 {
                pool.release(connection, outcome: .answered)
                pool.lease(leases.record(index))
                #expect(leases.connection(index) === connection)
                index += 1
            }
            try connection.channel.close().wait()
            pool.release(connection, outcome: .closedBeforeAnswer)
        }
        try serve(answersBeforeClose: 1)
        try serve(answersBeforeClose: 1)
        try serve(answersBeforeClose: 5)
        try serve(answersBeforeClose: 1)
        try serve(answersBeforeClose: 1)
        #expect(pool.reusesConnections)
        try serve(answersBeforeClose: 1)
        #expect(!pool.reusesConnections, "the third in a row")
    }

    /// A pool grows at once for queued leases; shrunk, it closes idle connections now and busy ones
    /// when they come back, until it is within its new size.
    @Test func resizes() throws {
        let opener = Opener()
        let pool = ConnectionPool(maxConnections: 1) { opener.connect($0) }
        let leases = Leases()
        for index in 0..<3 { pool.lease(leases.record(index)) }
        #expect(opener.count == 1)
        pool.resize(to: 3)
        #expect(opener.count == 3)
        for _ in 0..<3 { try opener.openOne() }
        let connections = try (0..<3).map { try #require(leases.connection($0)) }
        pool.release(connections[0])
        pool.resize(to: 1)
        #expect(!connections[0].isReusable)
        pool.release(connections[1])
        #expect(!connections[1].isReusable)
        pool.release(connections[2])
        #expect(connections[2].isReusable)
        pool.lease(leases.record(3))
        #expect(leases.connection(3) === connections[2] && opener.count == 0)
    }

    /// A closed pool fails queued and later leases as cancelled and opens nothing more.
    @Test func closeFailsQueuedLeases() throws {
        let opener = Opener()
        let pool = ConnectionPool(maxConnections: 1) { opener.connect($0) }
        let leases = Leases()
        pool.lease(leases.record(0))
        pool.lease(leases.record(1))
        pool.closeAll()
        #expect(leases.failed(1) == .cancelled)
        try opener.openOne()
        #expect(leases.failed(0) == .cancelled)
        pool.lease(leases.record(2))
        #expect(leases.failed(2) == .cancelled && opener.count == 0)
    }

    /// A connection that closed while idle is dropped, and its place goes to a new one.
    @Test func replacesDeadIdleConnections() throws {
        let opener = Opener()
        let pool = ConnectionPool(maxConnections: 1) { opener.connect($0) }
        let leases = Leases()
        pool.lease(leases.record(0))
        try opener.openOne()
        let connection = try #require(leases.connection(0))
        pool.release(connection)
        connection.close()
        pool.lease(leases.record(1))
        #expect(opener.count == 1 && leases.count == 1)
        try opener.openOne()
        #expect(leases.connection(1) != nil && leases.connection(1) !== connection)
    }
}

extension ConnectionPoolTests {
    /// An HTTP/2 connection carrying `capacity` requests at once (its multiplexer is never used here).
    static func multiplexed(capacity: Int) throws -> HTTPConnection {
        let channel = EmbeddedChannel()
        try channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 1)).wait()
        let multiplexer = HTTP2StreamMultiplexer(mode: .client, channel: channel, inboundStreamInitializer: nil)
        return HTTPConnection(http2: channel, multiplexer: NIOLoopBound(multiplexer, eventLoop: channel.eventLoop),
                              deadlines: NIOLoopBound(RequestDeadlines(eventLoop: channel.eventLoop), eventLoop: channel.eventLoop), capacity: capacity,
                              goingAway: GoAwayFlag(), host: "h", maxResponseBytes: 1)
    }

    /// An endpoint that may speak HTTP/2 opens one connection first; once it carries 4 streams,
    /// 10 queued leases share it and two more connections, not ten.
    @Test func multiplexesOnFewConnections() throws {
        let pending = Mutex<[@Sendable (Result<HTTPConnection, EngineError>) -> Void]>([])
        let pool = ConnectionPool(maxConnections: 100, maxOpening: 64, mayMultiplex: true) { done in pending.withLock { $0.append(done) } }
        let leases = Leases()
        for index in 0..<10 { pool.lease(leases.record(index)) }
        #expect(pending.withLock { $0.count } == 1)
        let first = try Self.multiplexed(capacity: 4)
        pending.withLock { $0.removeFirst() }(.success(first))
        #expect((0..<4).allSatisfy { leases.connection($0) === first } && leases.count == 4)
        // Six wait: two more connections of four cover them.
        #expect(pending.withLock { $0.count } == 2)
        for _ in 0..<2 { pending.withLock { $0.removeFirst() }(.success(try Self.multiplexed(capacity: 4))) }
        #expect(leases.count == 10 && pending.withLock { $0.count } == 0)
        pool.release(first)
        pool.lease(leases.record(10))
        #expect(leases.connection(10) === first)
    }

    /// When that first connection fails, the leases queued behind it fail with it at once.
    @Test func firstMultiplexedFailureFailsTheQueue() {
        let pending = Mutex<[@Sendable (Result<HTTPConnection, EngineError>) -> Void]>([])
        let pool = ConnectionPool(maxConnections: 100, mayMultiplex: true) { done in pending.withLock { $0.append(done) } }
        let leases = Leases()
        for index in 0..<5 { pool.lease(leases.record(index)) }
        pending.withLock { $0.removeFirst() }(.failure(.connect("connection refused")))
        #expect((0..<5).allSatisfy { leases.failed($0) != nil } && pending.withLock { $0.count } == 0)
    }

    /// A connection that got GOAWAY takes no new request; it closes when its last one is done.
    @Test func goAwayDrains() throws {
        let pending = Mutex<[@Sendable (Result<HTTPConnection, EngineError>) -> Void]>([])
        let pool = ConnectionPool(maxConnections: 100, mayMultiplex: true) { done in pending.withLock { $0.append(done) } }
        let leases = Leases()
        pool.lease(leases.record(0))
        pool.lease(leases.record(1))
        let flag = GoAwayFlag()
        let channel = EmbeddedChannel()
        try channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 1)).wait()
        let connection = HTTPConnection(http2: channel, multiplexer: NIOLoopBound(HTTP2StreamMultiplexer(mode: .client, channel: channel, inboundStreamInitializer: nil), eventLoop: channel.eventLoop),
                                        deadlines: NIOLoopBound(RequestDeadlines(eventLoop: channel.eventLoop), eventLoop: channel.eventLoop),
                                        capacity: 8, goingAway: flag, host: "h", maxResponseBytes: 1)
        pending.withLock { $0.removeFirst() }(.success(connection))
        #expect(leases.connection(0) === connection && leases.connection(1) === connection)
        flag.set()
        pool.release(connection)
        #expect(channel.isActive)
        pool.lease(leases.record(2))
        #expect(leases.count == 2 && pending.withLock { $0.count } == 1)
        pool.release(connection)
        #expect(!channel.isActive)
    }
}

/// The pool's decisions alone, on fake connections: no channels, no locks.
@Suite struct ConnectionPoolStateTests {
    final class FakeConnection: PooledConnection {
        let capacity: Int
        var isReusable = true
        var processedBeforeGoAway: Int?
        init(capacity: Int = 1) { self.capacity = capacity }
    }

    typealias State = ConnectionPoolState<FakeConnection, Int>

    static func opens(_ actions: State.Actions) -> [Int] {
        actions.grants.compactMap { if case .open = $0.1 { $0.0 } else { nil } }
    }

    /// Leases beyond the pool's size wait; a released HTTP/1.1 connection goes to the oldest waiter.
    @Test func waitersGetReleasedConnections() {
        var state = State(maxConnections: 1, maxOpening: 4, mayMultiplex: false)
        #expect(Self.opens(state.lease(1)) == [1])
        #expect(state.lease(2).grants.isEmpty)
        let connection = FakeConnection()
        let opened = state.opened(connection, for: 1)
        #expect(opened.grants.count == 1 && opened.grants[0].0 == 1)
        let released = state.release(connection)
        guard case .connection(let given)? = released.grants.first?.1 else { Issue.record("not handed on"); return }
        #expect(released.grants.first?.0 == 2 && given === connection && released.close.isEmpty)
    }

    /// A connection that cannot be reused closes when released, and the next waiter may open one.
    @Test func deadConnectionsClose() {
        var state = State(maxConnections: 1, maxOpening: 4, mayMultiplex: false)
        _ = state.lease(1)
        _ = state.lease(2)
        let connection = FakeConnection()
        _ = state.opened(connection, for: 1)
        connection.isReusable = false
        let released = state.release(connection)
        #expect(released.close.count == 1 && Self.opens(released) == [2] && state.total == 1)
    }

    /// An HTTP/2-capable endpoint opens its first connection alone; when that fails every waiter
    /// fails with it; after an HTTP/2 connection with 100 streams, one connection serves 100 leases.
    @Test func firstMultiplexedConnectionOpensAlone() {
        var state = State(maxConnections: 10, maxOpening: 4, mayMultiplex: true)
        #expect(Self.opens(state.lease(1)) == [1])
        #expect(state.lease(2).grants.isEmpty && state.opening == 1)
        let failed = state.openFailed(for: 1)
        #expect(failed.fail == [1, 2] && state.total == 0)
        #expect(Self.opens(state.lease(3)) == [3])
        let opened = state.opened(FakeConnection(capacity: 100), for: 3)
        #expect(opened.grants.count == 1)
        for waiter in 4..<103 { #expect(state.lease(waiter).grants.count == 1) }
        #expect(state.total == 1)
    }

    /// Closing fails the waiters and closes every connection; later leases fail at once.
    @Test func closeAllEndsEverything() {
        var state = State(maxConnections: 1, maxOpening: 4, mayMultiplex: false)
        _ = state.lease(1)
        _ = state.opened(FakeConnection(), for: 1)
        _ = state.lease(2)
        let closed = state.closeAll()
        #expect(closed.close.count == 1 && closed.fail == [2])
        #expect(state.lease(3).fail == [3])
    }
}
