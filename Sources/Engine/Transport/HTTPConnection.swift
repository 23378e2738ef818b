import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL

/// One keep-alive HTTP/1.1 connection (plain or TLS) that carries one request at a time.
final class HTTPConnection: Sendable {
    let channel: any Channel

    private init(channel: any Channel) {
        self.channel = channel
    }

    /// Opens a connection to `url`'s host; TLS when `tls` is given.
    static func connect(to url: EndpointURL, group: any EventLoopGroup, connectTimeout: Double, tls: NIOSSLContext?,
                        maxResponseBytes: Int) async -> Result<HTTPConnection, EngineError> {
        let bootstrap = ClientBootstrap(group: group)
            .connectTimeout(.milliseconds(Int64(connectTimeout * 1000)))
            .channelOption(.socketOption(.tcp_nodelay), value: 1)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    let pipeline = channel.pipeline.syncOperations
                    if let tls {
                        try pipeline.addHandler(try NIOSSLClientHandler(context: tls, serverHostname: url.host.isIPAddress ? nil : url.host))
                    }
                    try pipeline.addHTTPClientHandlers()
                    try pipeline.addHandler(HTTPExchangeHandler(host: url.hostHeader, maxResponseBytes: maxResponseBytes))
                }
            }
        do {
            return .success(HTTPConnection(channel: try await bootstrap.connect(host: url.host, port: url.port).get()))
        } catch {
            return .failure(EngineError(transportError: error, timeout: connectTimeout, limit: maxResponseBytes))
        }
    }

    /// Sends one request and waits for the whole answer or the timeout (which closes the connection).
    /// Cancelling the task closes the connection, so an abandoned request ends at once.
    func execute(_ request: TransportRequest) async -> Result<TransportResponse, EngineError> {
        let promise = channel.eventLoop.makePromise(of: TransportResponse.self)
        let channel = self.channel
        return await withTaskCancellationHandler {
            // On the loop, an active channel still has our handler, which then owns the promise; a
            // channel that closed since it was leased would drop the write without telling anyone.
            channel.eventLoop.execute {
                if channel.isActive {
                    channel.writeAndFlush(HTTPExchangeHandler.Exchange(request: request, promise: promise), promise: nil)
                } else {
                    promise.fail(EngineError.closedBeforeAnswer)
                }
            }
            do {
                return .success(try await promise.futureResult.get())
            } catch let error as EngineError {
                return .failure(Task.isCancelled ? .cancelled : error)
            } catch {
                return .failure(.connectionLost("write failed"))
            }
        } onCancel: {
            channel.close(promise: nil)
        }
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
