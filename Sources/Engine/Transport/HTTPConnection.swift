import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL

/// One keep-alive HTTP/1.1 connection (plain or TLS) that carries one request at a time.
final class HTTPConnection: Sendable {
    let channel: any Channel

    init(channel: any Channel) {
        self.channel = channel
    }

    /// Opens a connection to `url`'s host (TLS when `tls` is given, reported once the handshake is
    /// done, so a certificate problem is a connection failure) and reports it once.
    static func connect(to url: EndpointURL, group: any EventLoopGroup, connectTimeout: Double, tls: NIOSSLContext?,
                        maxResponseBytes: Int, _ done: @escaping @Sendable (Result<HTTPConnection, EngineError>) -> Void) {
        let loop = group.next()
        let handshake = tls.map { _ in loop.makePromise(of: Void.self) }
        let bootstrap = ClientBootstrap(group: loop)
            .connectTimeout(.milliseconds(Int64(connectTimeout * 1000)))
            .channelOption(.socketOption(.tcp_nodelay), value: 1)
            // One read per readable event: an answer (or a streamed token) mostly arrives whole, and a
            // second read would only find the socket empty, a wasted system call each time.
            .channelOption(.maxMessagesPerRead, value: 1)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    let pipeline = channel.pipeline.syncOperations
                    if let tls, let handshake {
                        try pipeline.addHandler(try NIOSSLClientHandler(context: tls, serverHostname: url.host.isIPAddress ? nil : url.host))
                        try pipeline.addHandler(TLSHandshakeWaiter(handshake))
                    }
                    try pipeline.addHTTPClientHandlers()
                    try pipeline.addHandler(HTTPExchangeHandler(host: url.hostHeader, maxResponseBytes: maxResponseBytes))
                }
            }
        var connected = bootstrap.connect(host: url.host, port: url.port)
        if let handshake {
            connected.whenFailure { handshake.fail($0) }
            connected = connected.flatMap { channel in handshake.futureResult.map { channel } }
        }
        connected.whenComplete { result in
            if case .failure(let error) = result, EngineError.isUnverifiedCertificate(error) {
                return TLSDiagnosis.diagnose(url, group: group, connectTimeout: connectTimeout) { done(.failure(.connect("TLS: \($0)"))) }
            }
            done(result.map(HTTPConnection.init(channel:)).mapError {
                EngineError(transportError: $0, timeout: connectTimeout, limit: maxResponseBytes)
            })
        }
    }

    /// Sends one request and reports the whole answer, or the failure, once on the connection's
    /// event loop. The request's timeout closes the connection.
    func execute(_ request: TransportRequest, completion: @escaping @Sendable (Result<TransportResponse, EngineError>) -> Void) {
        let channel = self.channel
        let exchange = HTTPExchangeHandler.Exchange(request: request, completion: completion)
        // On the loop, an active channel still has our handler, which then owns the completion; a
        // channel that closed since it was leased would drop the write without telling anyone.
        let send: @Sendable () -> Void = {
            if channel.isActive {
                channel.writeAndFlush(exchange, promise: nil)
            } else {
                completion(.failure(.closedBeforeAnswer))
            }
        }
        if channel.eventLoop.inEventLoop { send() } else { channel.eventLoop.execute(send) }
    }

    /// Whether the connection can take another request.
    var isReusable: Bool { channel.isActive }

    func close() { channel.close(promise: nil) }
}

extension String {
    /// True for IPv4 and IPv6 literals (TLS sends no SNI name for those).
    var isIPAddress: Bool {
        contains(":") || split(separator: ".").count == 4 && allSatisfy { $0.isNumber || $0 == "." }
    }
}

extension EndpointURL {
    /// The `Host` header value: the port only when it is not the scheme's default.
    var hostHeader: String {
        let name = host.contains(":") ? "[\(host)]" : host
        return port == (isTLS ? 443 : 80) ? name : "\(name):\(port)"
    }
}
