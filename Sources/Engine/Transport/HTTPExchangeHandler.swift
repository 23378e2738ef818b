#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import NIOCore
import NIOHTTP1
import NIOHTTP2

/// Writes one request and collects its answer on a connection's event loop.
///
/// Takes an `Exchange` (request + completion) as its outbound message, so a request costs at most
/// one hop onto the loop. Completes with a failure on timeout (and closes), on a body over the limit
/// (and closes), and when the server closes before answering. Honours `Connection: close` by closing after the answer.
/// A body the request's `bodyConsumer` asks for is handed to it read by read, each read timed from
/// the moment the request was written, so TTFT and inter-token gaps are what the socket saw; what
/// the bytes mean is the exchange's business.
final class HTTPExchangeHandler: ChannelDuplexHandler {
    typealias InboundIn = HTTPClientResponsePart
    typealias OutboundIn = Exchange
    typealias OutboundOut = HTTPClientRequestPart

    struct Exchange {
        let request: TransportRequest
        let completion: @Sendable (Result<TransportResponse, EngineError>) -> Void
    }

    private let host: String
    private let maxResponseBytes: Int
    /// `http://host:port` before each path when the request goes to an HTTP proxy (absolute form).
    private let absolutePrefix: String
    /// The HTTP proxy plain http goes through, if any (its `Proxy-Authorization` is sent).
    private let proxy: ProxyServer?
    /// Over HTTP/2: set once the connection got GOAWAY, after which a stream closed before its
    /// answer was one the server will not process (NIO closes those with CANCEL).
    private let goingAway: GoAwayFlag?
    private var completion: (@Sendable (Result<TransportResponse, EngineError>) -> Void)?
    /// When the request in progress times out, and its timeout in seconds (nil: none in progress).
    private var deadline: (at: NIODeadline, seconds: Double)?
    /// Over HTTP/2 (a handler per stream): the connection's watcher of its streams' deadlines.
    private let sharedDeadlines: NIOLoopBound<RequestDeadlines>?
    /// The watcher of this handler's deadlines: the shared one, or (HTTP/1.1) this connection's own.
    private var deadlines: RequestDeadlines?
    /// Counts this handler's requests, so a deadline watched for one never fails a later one.
    private var requestNumber: UInt64 = 0
    /// The context of the request in progress (only while one is).
    private var context: ChannelHandlerContext?
    private var status = 0
    private var headers: [HeaderField] = []
    private var body: ByteBuffer?
    private var closeAfter = false
    /// When the request was written (uptime nanoseconds), the origin of a stream's timing.
    private var writtenAt: UInt64 = 0
    /// The consumer of this answer's body (nil: the body is collected whole).
    private var consumer: (any ResponseBodyConsumer)?
    private var makeConsumer: (@Sendable (Int, String?) -> (any ResponseBodyConsumer)?)?
    private var received = 0
    /// The head fields last built from a request's headers: requests to one endpoint share one
    /// header array, so this is built once per connection.
    private var cachedHeaders: (source: [HeaderField], fields: HTTPHeaders)?

    init(host: String, maxResponseBytes: Int, absolutePrefix: String = "", proxy: ProxyServer? = nil, goingAway: GoAwayFlag? = nil,
         sharedDeadlines: NIOLoopBound<RequestDeadlines>? = nil) {
        self.sharedDeadlines = sharedDeadlines
        self.host = host
        self.maxResponseBytes = maxResponseBytes
        self.absolutePrefix = absolutePrefix
        self.proxy = proxy
        self.goingAway = goingAway
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise writePromise: EventLoopPromise<Void>?) {
        let exchange = unwrapOutboundIn(data)
        guard completion == nil else {
            exchange.completion(.failure(.connectionLost("connection busy")))
            return
        }
        completion = exchange.completion
        let request = exchange.request
        status = 0
        headers = []
        body = nil
        consumer = nil
        makeConsumer = request.bodyConsumer
        received = 0
        closeAfter = false
        let seconds = request.timeout
        let at = NIODeadline.now() + .nanoseconds(Int64(seconds * 1e9))
        deadline = (at, seconds)
        requestNumber &+= 1
        self.context = context
        let deadlines = self.deadlines ?? sharedDeadlines?.value ?? RequestDeadlines(eventLoop: context.eventLoop)
        self.deadlines = deadlines
        deadlines.watch(self, request: requestNumber, until: at)
        let uri = absolutePrefix.isEmpty ? request.path : absolutePrefix + request.path
        if request.isGet {
            context.write(wrapOutboundOut(.head(HTTPRequestHead(version: .http1_1, method: .GET, uri: uri, headers: getFields(for: request.headers)))), promise: nil)
        } else {
            let plain = request.method == "POST" && request.contentType == nil
            let headers = plain ? fields(for: request.headers)
                : makeFields(request.headers, accept: "application/json", contentType: request.contentType ?? "application/json")
            var head = HTTPRequestHead(version: .http1_1, method: plain ? .POST : HTTPMethod(rawValue: request.method), uri: uri, headers: headers)
            head.headers.add(name: "content-length", value: String(request.body.count))
            context.write(wrapOutboundOut(.head(head)), promise: nil)
            context.write(wrapOutboundOut(.body(.byteBuffer(context.channel.allocator.buffer(bytes: request.body)))), promise: nil)
        }
        writtenAt = NIODeadline.now().uptimeNanoseconds
        context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: writePromise)
    }

    /// Seconds since the request was written.
    private var sinceWritten: Double { Double(NIODeadline.now().uptimeNanoseconds &- writtenAt) / 1e9 }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard completion != nil else { return }
        switch unwrapInboundIn(data) {
        case .head(let head):
            status = Int(head.status.code)
            // The proxy itself refused (it often closes without reading the request, so the answer
            // may be cut short by a reset): said like a refused tunnel.
            if status == 407, let proxy {
                let reason = ProxyTunnelHandler.explain(status: 407, reason: "", target: host, hasCredentials: proxy.authorization != nil)
                return fail(.connect("the proxy \(proxy) \(reason)"), context: context)
            }
            headers = head.headers.map { HeaderField($0.name, $0.value) }
            closeAfter = !head.isKeepAlive
            consumer = makeConsumer?(status, head.headers["content-type"].first)
        case .body(var chunk):
            received += chunk.readableBytes
            if received > maxResponseBytes {
                fail(.responseTooLarge(limit: maxResponseBytes), context: context)
                return
            }
            if let consumer {
                let at = sinceWritten
                chunk.withUnsafeReadableBytes { consumer.consume($0, at: at) }
            } else if body == nil { body = chunk } else { body!.writeBuffer(&chunk) }
        case .end:
            let consumed = consumer?.finish(at: sinceWritten)
            let response = TransportResponse(status: status, headers: headers, body: body.map { Array(buffer: $0) } ?? [],
                                             consumed: consumed)
            let completion = self.completion
            finish()
            if closeAfter { context.close(promise: nil) }
            completion?(.success(response))
        }
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        closeOwnDeadlines()
        self.context = nil
    }

    /// A connection's own watcher (HTTP/1.1) ends with it; a shared one (HTTP/2) outlives the stream.
    private func closeOwnDeadlines() {
        if sharedDeadlines == nil { deadlines?.close() }
    }

    /// Whether request number `request` is still waiting for its answer.
    func isWaiting(for request: UInt64) -> Bool { completion != nil && request == requestNumber }

    /// Request number `request` passed its deadline (`RequestDeadlines`): it fails, if still waiting.
    func timeOut(request: UInt64) {
        guard isWaiting(for: request), let context, let deadline else { return }
        fail(.timeout(seconds: deadline.seconds), context: context)
    }

    func channelInactive(context: ChannelHandlerContext) {
        fail(status == 0 ? .closedBeforeAnswer : .connectionLost("closed by the server mid-answer"), context: context)
        closeOwnDeadlines()
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        if status == 0, let closed = error as? NIOHTTP2Errors.StreamClosed, closed.errorCode == .cancel, goingAway?.isSet == true {
            return fail(.refused, context: context)
        }
        // A kept-alive connection the server had already closed (llama.cpp's server closes after
        // every streamed answer while saying keep-alive) answers the next request with a reset, not
        // a clean close: no byte of an answer came, so the request was not processed.
        if status == 0, requestNumber > 1, Self.isClosedByPeer(error) {
            return fail(.closedBeforeAnswer, context: context)
        }
        fail(EngineError(transportError: error, timeout: 0, limit: maxResponseBytes), context: context)
    }

    /// Whether `error` says the peer had closed the connection (a reset, a broken pipe, an end of file).
    static func isClosedByPeer(_ error: any Error) -> Bool {
        if let io = error as? IOError { return [ECONNRESET, EPIPE, ECONNABORTED].contains(io.errnoCode) }
        switch error as? ChannelError {
        case .eof?, .ioOnClosedChannel?, .outputClosed?, .inputClosed?, .alreadyClosed?: return true
        default: return false
        }
    }

    /// A POST's headers, kept while the request headers stay the same (they do, per endpoint).
    private func fields(for headers: [HeaderField]) -> HTTPHeaders {
        if let cachedHeaders, cachedHeaders.source == headers { return cachedHeaders.fields }
        let fields = makeFields(headers, accept: "application/json", contentType: "application/json")
        cachedHeaders = (headers, fields)
        return fields
    }

    /// A `GET`'s headers (a server's metrics page, Prometheus text asked for), made each time: one a second at most.
    private func getFields(for headers: [HeaderField]) -> HTTPHeaders {
        makeFields(headers, accept: "text/plain;version=0.0.4;q=1, */*;q=0.1", contentType: nil)
    }

    private func makeFields(_ headers: [HeaderField], accept: String, contentType: String?) -> HTTPHeaders {
        var fields = HTTPHeaders()
        fields.reserveCapacity(5 + headers.count)
        fields.add(name: "host", value: host)
        if let contentType { fields.add(name: "content-type", value: contentType) }
        fields.add(name: "accept", value: accept)
        fields.add(name: "accept-encoding", value: "identity")
        for header in headers { fields.add(name: header.name, value: header.value) }
        if let authorization = proxy?.authorization { fields.add(name: "proxy-authorization", value: authorization) }
        return fields
    }

    private func fail(_ error: EngineError, context: ChannelHandlerContext) {
        guard let completion else { return }
        finish()
        context.close(promise: nil)
        completion(.failure(error))
    }

    private func finish() {
        if completion != nil { deadlines?.finished() }
        context = nil
        deadline = nil
        completion = nil
        body = nil
        consumer = nil
        makeConsumer = nil
    }
}
