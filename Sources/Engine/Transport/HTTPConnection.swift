import NIOCore
import NIOHTTP1
import NIOHTTP2

/// One keep-alive connection (plain or TLS, direct or through a proxy): over HTTP/1.1 it carries
/// one request at a time, over HTTP/2 up to `capacity` at once, each on a stream of its own.
final class HTTPConnection: Sendable {
    let channel: any Channel
    /// Requests it carries at once: 1 over HTTP/1.1; over HTTP/2 the server's
    /// SETTINGS_MAX_CONCURRENT_STREAMS (at most `HTTP2Watcher.maxStreams`).
    let capacity: Int
    /// nil over HTTP/1.1.
    private let streams: Streams?

    /// What an HTTP/2 connection needs to open a stream per request.
    private struct Streams: Sendable {
        let multiplexer: NIOLoopBound<HTTP2StreamMultiplexer>
        let goingAway: GoAwayFlag
        /// The one watcher of the streams' deadlines.
        let deadlines: NIOLoopBound<RequestDeadlines>
        /// The `Host` (`:authority`) value and the answer size limit, for each stream's exchange handler.
        let host: String
        let maxResponseBytes: Int
    }

    /// An HTTP/1.1 connection, its exchange handler already in the pipeline.
    init(http1 channel: any Channel) {
        self.channel = channel
        capacity = 1
        streams = nil
    }

    /// An HTTP/2 connection: each request opens a stream with its own exchange handler.
    init(http2 channel: any Channel, multiplexer: NIOLoopBound<HTTP2StreamMultiplexer>, deadlines: NIOLoopBound<RequestDeadlines>,
         capacity: Int, goingAway: GoAwayFlag, host: String, maxResponseBytes: Int) {
        self.channel = channel
        self.capacity = capacity
        streams = Streams(multiplexer: multiplexer, goingAway: goingAway, deadlines: deadlines, host: host, maxResponseBytes: maxResponseBytes)
    }

    /// Sends one request and reports the whole answer, or the failure, once on the connection's
    /// event loop. The request's timeout closes the connection (HTTP/1.1) or resets its stream (HTTP/2).
    func execute(_ request: TransportRequest, completion: @escaping @Sendable (Result<TransportResponse, EngineError>) -> Void) {
        let channel = self.channel
        let exchange = HTTPExchangeHandler.Exchange(request: request, completion: completion)
        let send: @Sendable () -> Void
        if let streams {
            send = {
                guard channel.isActive else { return completion(.failure(.closedBeforeAnswer)) }
                let opened = channel.eventLoop.makePromise(of: (any Channel).self)
                streams.multiplexer.value.createStreamChannel(promise: opened) { stream in
                    stream.eventLoop.makeCompletedFuture {
                        let pipeline = stream.pipeline.syncOperations
                        try pipeline.addHandler(HTTP2FramePayloadToHTTP1ClientCodec(httpProtocol: .https))
                        try pipeline.addHandler(HTTPExchangeHandler(host: streams.host, maxResponseBytes: streams.maxResponseBytes,
                                                                    goingAway: streams.goingAway, sharedDeadlines: streams.deadlines))
                        // The handler owns the completion from here on.
                        pipeline.writeAndFlush(NIOAny(exchange), promise: nil)
                    }
                }
                // A stream that could not be opened never reached the server.
                opened.futureResult.whenFailure { _ in completion(.failure(.refused)) }
            }
        } else {
            // On the loop, an active channel still has our handler, which then owns the completion; a
            // channel that closed since it was leased would drop the write without telling anyone.
            send = {
                if channel.isActive {
                    channel.writeAndFlush(exchange, promise: nil)
                } else {
                    completion(.failure(.closedBeforeAnswer))
                }
            }
        }
        if channel.eventLoop.inEventLoop { send() } else { channel.eventLoop.execute(send) }
    }

    /// Over HTTP/2, how many requests the server processed before it sent GOAWAY, if it did.
    var processedBeforeGoAway: Int? { streams?.goingAway.processed }

    /// Whether the connection can take another request (HTTP/2: no GOAWAY yet).
    var isReusable: Bool { channel.isActive && streams?.goingAway.isSet != true }

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
