import NIOCore
import NIOHTTP1
import NIOPosix
import Synchronization

/// An OpenAI-compatible endpoint on 127.0.0.1 for tests, the demo and the benchmark.
///
/// Serves `POST …/chat/completions` and `…/completions` with keep-alive and pipelining on
/// SwiftNIO's shared event loops; counts every arrival so tests can check what reached the server.
public final class MockServer: Sendable {
    public let host: String
    public let port: Int
    private let channel: any Channel
    private let state: MockState
    private let connections: ConnectionTracker

    private init(host: String, port: Int, channel: any Channel, state: MockState, connections: ConnectionTracker) {
        self.host = host
        self.port = port
        self.channel = channel
        self.state = state
        self.connections = connections
    }

    /// Starts a server; port 0 picks a free ephemeral port (read it from `port`).
    public static func start(behavior: MockBehavior = MockBehavior(), host: String = "127.0.0.1", port: Int = 0) async throws -> MockServer {
        let state = MockState(behavior: behavior)
        let tracker = ConnectionTracker()
        let wheels = TokenWheels()
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.backlog, value: 4096)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.tcpOption(.tcp_nodelay), value: 1)
            .childChannelInitializer { channel in
                tracker.add(channel)
                channel.closeFuture.whenComplete { _ in tracker.remove(channel) }
                return channel.eventLoop.makeCompletedFuture {
                    let raw = RawWriter()
                    try channel.pipeline.syncOperations.addHandler(raw)
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline(withPipeliningAssistance: true)
                    try channel.pipeline.syncOperations.addHandler(MockHandler(state: state, wheels: wheels, raw: raw))
                }
            }
            .bind(host: host, port: port).get()
        let bound = channel.localAddress?.port ?? port
        return MockServer(host: host, port: bound, channel: channel, state: state, connections: tracker)
    }

    /// `http://127.0.0.1:PORT/v1`, the URL to give fanout.
    public var baseURL: String { "http://\(host):\(port)/v1" }

    public var behavior: MockBehavior {
        get { state.behavior }
        set { state.behavior = newValue }
    }

    /// Requests that reached the server (every attempt counts).
    public var arrivals: Int { state.arrivals }
    /// Arrivals per prompt text.
    public var arrivalsByPrompt: [String: Int] { state.arrivalsByPrompt }
    /// Arrival times in seconds since the server started.
    public var arrivalTimes: [Double] { state.arrivalTimes }
    /// Requests arrived and not yet answered (queued for a place or being served).
    public var pending: Int { state.pending }
    /// The most requests pending at once since the start or the last `resetCounters()`.
    public var peakPending: Int { state.peakPending }
    /// Seconds since the server started, on the clock `arrivalTimes` use.
    public var now: Double { state.now }
    public func resetCounters() { state.reset() }

    /// Stops listening and closes every open connection.
    public func stop() async {
        try? await channel.close()
        let open = connections.channels.withLock { Array($0.values) }
        for connection in open { try? await connection.close() }
    }
}

/// The open connections of one server, so `stop()` can close them.
final class ConnectionTracker: Sendable {
    let channels = Mutex<[ObjectIdentifier: any Channel]>([:])

    func add(_ channel: any Channel) { channels.withLock { $0[ObjectIdentifier(channel)] = channel } }
    func remove(_ channel: any Channel) { channels.withLock { _ = $0.removeValue(forKey: ObjectIdentifier(channel)) } }
}
