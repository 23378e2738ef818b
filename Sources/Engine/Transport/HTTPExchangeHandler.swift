import NIOCore
import NIOHTTP1

/// Writes one request and collects its answer on a connection's event loop.
///
/// Takes an `Exchange` (request + promise) as its outbound message, so a request costs one hop onto
/// the loop. Fails the promise on timeout (and closes), on a body over the limit (and closes), and
/// when the server closes before answering. Honours `Connection: close` by closing after the answer.
final class HTTPExchangeHandler: ChannelDuplexHandler {
    typealias InboundIn = HTTPClientResponsePart
    typealias OutboundIn = Exchange
    typealias OutboundOut = HTTPClientRequestPart

    struct Exchange {
        let request: TransportRequest
        let promise: EventLoopPromise<TransportResponse>
    }

    private let host: String
    private let maxResponseBytes: Int
    private var promise: EventLoopPromise<TransportResponse>?
    private var timeout: Scheduled<Void>?
    private var status = 0
    private var headers: [HeaderField] = []
    private var body: ByteBuffer?
    private var closeAfter = false

    init(host: String, maxResponseBytes: Int) {
        self.host = host
        self.maxResponseBytes = maxResponseBytes
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise writePromise: EventLoopPromise<Void>?) {
        let exchange = unwrapOutboundIn(data)
        guard self.promise == nil else {
            exchange.promise.fail(EngineError.connectionLost("connection busy"))
            return
        }
        self.promise = exchange.promise
        let request = exchange.request
        status = 0
        headers = []
        body = nil
        closeAfter = false
        let seconds = request.timeout
        timeout = context.eventLoop.assumeIsolated().scheduleTask(in: .nanoseconds(Int64(seconds * 1e9))) { [self] in
            fail(.timeout(seconds: seconds), context: context)
        }
        var head = HTTPRequestHead(version: .http1_1, method: .POST, uri: request.path)
        head.headers.reserveCapacity(6 + request.headers.count)
        head.headers.add(name: "host", value: host)
        head.headers.add(name: "content-type", value: "application/json")
        head.headers.add(name: "accept", value: "application/json")
        head.headers.add(name: "content-length", value: String(request.body.count))
        for header in request.headers { head.headers.add(name: header.name, value: header.value) }
        context.write(wrapOutboundOut(.head(head)), promise: nil)
        context.write(wrapOutboundOut(.body(.byteBuffer(context.channel.allocator.buffer(bytes: request.body)))), promise: nil)
        context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: writePromise)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard promise != nil else { return }
        switch unwrapInboundIn(data) {
        case .head(let head):
            status = Int(head.status.code)
            headers = head.headers.map { HeaderField($0.name.lowercased(), $0.value) }
            closeAfter = !head.isKeepAlive
        case .body(var chunk):
            if (body?.readableBytes ?? 0) + chunk.readableBytes > maxResponseBytes {
                fail(.responseTooLarge(limit: maxResponseBytes), context: context)
                return
            }
            if body == nil { body = chunk } else { body!.writeBuffer(&chunk) }
        case .end:
            let response = TransportResponse(preparedStatus: status, headers: headers,
                                             body: body.map { Array(buffer: $0) } ?? [])
            let promise = self.promise
            finish()
            if closeAfter { context.close(promise: nil) }
            promise?.succeed(response)
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        fail(status == 0 ? .closedBeforeAnswer : .connectionLost("closed by the server mid-answer"), context: context)
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        fail(error is HTTPParserError ? .connectionLost("the answer was cut off or malformed")
                : EngineError(transportError: error, timeout: 0, limit: maxResponseBytes), context: context)
    }

    private func fail(_ error: EngineError, context: ChannelHandlerContext) {
        guard let promise else { return }
        finish()
        context.close(promise: nil)
        promise.fail(error)
    }

    private func finish() {
        timeout?.cancel()
        timeout = nil
        promise = nil
        body = nil
    }
}

extension TransportResponse {
    /// A response whose header names are already lower-case.
    init(preparedStatus status: Int, headers: [HeaderField], body: [UInt8]) {
        self.init(status: status, body: body)
        self.headers = headers
    }
}
