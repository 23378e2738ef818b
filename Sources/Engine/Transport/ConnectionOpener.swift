import NIOCore
import NIOHTTP1
import NIOHTTP2
import NIOPosix
import NIOSSL

/// Opens connections to one endpoint along its route: TCP to the endpoint or its proxy, a CONNECT
/// tunnel when https goes through a proxy, TLS with ALPN, then HTTP/2 when the server chose `h2`
/// and HTTP/1.1 otherwise (absolute-form requests when plain http goes through a proxy).
///
/// A connection counts as open only once it can carry a request: after the handshake and, over
/// HTTP/2, after the server's first SETTINGS. The whole opening is bounded by the connect timeout.
struct ConnectionOpener: Sendable {
    let url: EndpointURL
    let route: ProxyRoute
    /// nil for plain http.
    let tls: NIOSSLContext?
    let group: any EventLoopGroup
    let connectTimeout: Double
    let maxResponseBytes: Int

    /// Reports an open connection, or why none could be opened, once.
    func open(_ done: @escaping @Sendable (Result<HTTPConnection, EngineError>) -> Void) {
        let loop = group.next()
        let opened = loop.makePromise(of: HTTPConnection.self)
        let deadline = loop.scheduleTask(in: .milliseconds(Int64(connectTimeout * 1000))) {
            opened.fail(EngineError.connectTimeout(seconds: connectTimeout))
        }
        reach(on: loop).flatMap { channel in
            // A timeout while opening closes the half-opened connection.
            opened.futureResult.whenFailure { _ in channel.close(promise: nil) }
            return self.speak(on: channel)
        }.cascade(to: opened)
        opened.futureResult.whenComplete { result in
            deadline.cancel()
            done(result.mapError { $0 as? EngineError ?? EngineError(transportError: $0, timeout: connectTimeout, limit: maxResponseBytes) })
        }
    }

    /// A channel whose next bytes reach the endpoint: TCP to it, or to its proxy (through a CONNECT
    /// tunnel for https). Failures are `EngineError`s that name the proxy when it is the one failing.
    func reach(on loop: any EventLoop) -> EventLoopFuture<any Channel> {
        let proxy = route.proxy
        let bootstrap = ClientBootstrap(group: loop)
            .connectTimeout(.milliseconds(Int64(connectTimeout * 1000)))
            // TCP_NODELAY at IPPROTO_TCP: `.socketOption(.tcp_nodelay)` would set SOL_SOCKET's option 1,
            // SO_DEBUG, which needs CAP_NET_ADMIN, so every connect failed (EACCES) for a non-root user.
            .channelOption(.tcpOption(.tcp_nodelay), value: 1)
            // One read per readable event: an answer (or a streamed token) mostly arrives whole, and a
            // second read would only find the socket empty, a wasted system call each time.
            .channelOption(.maxMessagesPerRead, value: 1)
        let connected = bootstrap.connect(host: proxy?.host ?? url.host, port: proxy?.port ?? url.port).flatMapErrorThrowing { error in
            let reduced = EngineError(transportError: error, timeout: connectTimeout, limit: maxResponseBytes)
            throw proxy.map(reduced.reachingProxy) ?? reduced
        }
        guard let proxy, url.isTLS else { return connected }
        return connected.flatMap { channel in
            let tunnel = loop.makePromise(of: Void.self)
            do {
                try channel.pipeline.syncOperations.addHandler(ProxyTunnelHandler(target: url.hostAndPort, proxy: proxy, promise: tunnel))
            } catch {
                channel.close(promise: nil)
                return loop.makeFailedFuture(error)
            }
            return tunnel.futureResult.map { channel }
        }
    }

    /// TLS (when https) and the HTTP version on a reached channel.
    private func speak(on channel: any Channel) -> EventLoopFuture<HTTPConnection> {
        let loop = channel.eventLoop
        guard let tls else { return loop.makeCompletedFuture { try http1(on: channel) } }
        let handshake = loop.makePromise(of: String?.self)
        do {
            let pipeline = channel.pipeline.syncOperations
            try pipeline.addHandler(try NIOSSLClientHandler(context: tls, serverHostname: url.host.isIPAddress ? nil : url.host))
            try pipeline.addHandler(TLSHandshakeWaiter(handshake))
        } catch {
            return loop.makeFailedFuture(error)
        }
        return handshake.futureResult.flatMapError { error in
            guard EngineError.isUnverifiedCertificate(error) else { return loop.makeFailedFuture(error) }
            let reason = loop.makePromise(of: String.self)
            TLSDiagnosis.diagnose(self) { reason.succeed($0) }
            return reason.futureResult.flatMapThrowing { throw EngineError.connect("TLS: \($0)") }
        }.flatMap { negotiated in
            negotiated == "h2" ? http2(on: channel) : loop.makeCompletedFuture { try http1(on: channel) }
        }
    }

    private func http1(on channel: any Channel) throws -> HTTPConnection {
        let pipeline = channel.pipeline.syncOperations
        try pipeline.addHTTPClientHandlers()
        // Plain http through a proxy: the request line names the whole URL.
        let viaProxy = url.isTLS ? nil : route.proxy
        try pipeline.addHandler(HTTPExchangeHandler(host: url.hostHeader, maxResponseBytes: maxResponseBytes,
                                                    absolutePrefix: viaProxy == nil ? "" : url.origin,
                                                    proxy: viaProxy))
        return HTTPConnection(http1: channel)
    }

    private func http2(on channel: any Channel) -> EventLoopFuture<HTTPConnection> {
        let loop = channel.eventLoop
        let ready = loop.makePromise(of: Int.self)
        let goingAway = GoAwayFlag()
        let multiplexer: HTTP2StreamMultiplexer
        do {
            let pipeline = channel.pipeline.syncOperations
            try pipeline.addHandler(NIOHTTP2Handler(mode: .client, initialSettings: Self.settings))
            try pipeline.addHandler(HTTP2Watcher(ready: ready, goingAway: goingAway))
            multiplexer = HTTP2StreamMultiplexer(mode: .client, channel: channel, targetWindowSize: Self.window,
                                                 inboundStreamInitializer: nil)
            try pipeline.addHandler(multiplexer)
        } catch {
            return loop.makeFailedFuture(error)
        }
        let bound = NIOLoopBound(multiplexer, eventLoop: loop)
        let deadlines = NIOLoopBound(RequestDeadlines(eventLoop: loop), eventLoop: loop)
        return ready.futureResult.map { [url, maxResponseBytes] capacity in
            HTTPConnection(http2: channel, multiplexer: bound, deadlines: deadlines, capacity: capacity, goingAway: goingAway,
                           host: url.hostHeader, maxResponseBytes: maxResponseBytes)
        }
    }

    /// A stream's receive window: an answer of up to 1 MiB arrives without waiting on window updates.
    private static let window = 1 << 20

    /// No server push; a receive window large enough for most answers.
    private static let settings = [
        HTTP2Setting(parameter: .enablePush, value: 0),
        HTTP2Setting(parameter: .maxConcurrentStreams, value: 100),
        HTTP2Setting(parameter: .initialWindowSize, value: window),
        HTTP2Setting(parameter: .maxHeaderListSize, value: 1 << 16),
    ]
}
