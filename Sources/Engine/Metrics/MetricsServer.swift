import NIOCore
import NIOHTTP1
import NIOPosix

/// Serves `GET /metrics` in the Prometheus text format on 127.0.0.1, one snapshot per scrape.
///
/// Bound to the loopback address only: the figures name endpoints, and exposing them further is
/// the operator's choice (a sidecar or an SSH tunnel). Other paths answer 404, other methods 405.
public final class MetricsServer: Sendable {
    /// The bound port (the one asked for, or the ephemeral one picked for port 0).
    public let port: Int
    private let channel: any Channel

    /// The metrics page on the loopback address at `port`.
    public static func url(port: Int) -> String { "http://127.0.0.1:\(port)/metrics" }

    private init(port: Int, channel: any Channel) {
        self.port = port
        self.channel = channel
    }

    /// Starts listening; throws a configuration error naming the port if it cannot bind.
    public static func start(port: Int, host: String = "127.0.0.1",
                             snapshot: @escaping @Sendable () async -> StatsSnapshot) async throws(EngineError) -> MetricsServer {
        do {
            let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
                .childChannelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try channel.pipeline.syncOperations.configureHTTPServerPipeline()
                        try channel.pipeline.syncOperations.addHandler(MetricsHandler(snapshot: snapshot))
                    }
                }
                .bind(host: host, port: port).get()
            return MetricsServer(port: channel.localAddress?.port ?? port, channel: channel)
        } catch {
            throw .configuration("cannot serve metrics on \(host):\(port): \(error)")
        }
    }

    public func stop() async {
        try? await channel.close()
    }
}

/// Answers one scrape at a time per connection: the snapshot is fetched, rendered and written.
private final class MetricsHandler: ChannelInboundHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private let snapshot: @Sendable () async -> StatsSnapshot
    private var head: HTTPRequestHead?

    init(snapshot: @escaping @Sendable () async -> StatsSnapshot) {
        self.snapshot = snapshot
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head): self.head = head
        case .body: break
        case .end:
            guard let head else { return }
            self.head = nil
            let path = head.uri.split(separator: "?", maxSplits: 1).first.map(String.init) ?? head.uri
            guard path == "/metrics" else { return respond(context, head, .notFound, "not found; metrics are at /metrics\n") }
            guard head.method == .GET || head.method == .HEAD else {
                return respond(context, head, .methodNotAllowed, "use GET\n")
            }
            let loop = context.eventLoop
            let promise = loop.makePromise(of: String.self)
            let snapshot = self.snapshot
            promise.completeWithTask { PrometheusExposition.render(await snapshot()) }
            let bound = NIOLoopBound((self, context), eventLoop: loop)
            promise.futureResult.whenSuccess { text in
                let (handler, context) = bound.value
                handler.respond(context, head, .ok, text, contentType: PrometheusExposition.contentType)
            }
        }
    }

    private func respond(_ context: ChannelHandlerContext, _ request: HTTPRequestHead, _ status: HTTPResponseStatus,
                         _ text: String, contentType: String = "text/plain; charset=utf-8") {
        var headers = HTTPHeaders()
        headers.add(name: "content-type", value: contentType)
        headers.add(name: "content-length", value: String(text.utf8.count))
        if !request.isKeepAlive { headers.add(name: "connection", value: "close") }
        context.write(wrapOutboundOut(.head(HTTPResponseHead(version: request.version, status: status, headers: headers))), promise: nil)
        if request.method != .HEAD {
            context.write(wrapOutboundOut(.body(.byteBuffer(context.channel.allocator.buffer(string: text)))), promise: nil)
        }
        let keepAlive = request.isKeepAlive
        let channel = context.channel
        context.writeAndFlush(wrapOutboundOut(.end(nil))).whenComplete { _ in
            if !keepAlive { channel.close(promise: nil) }
        }
    }
}
