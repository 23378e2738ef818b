import NIOCore
import NIOHTTP1

/// One control connection: reads HTTP/1.1 requests, checks the token, routes them.
///
/// `GET /v1/status`, `GET /v1/events` (server-sent events until the run ends), `POST /v1/commands`.
/// A request must arrive whole within `requestSeconds` and a body may not pass `bodyBytes`; an idle
/// connection is closed after `requestSeconds`. Errors answer JSON `{"error": "sentence"}`; a
/// request without the right token is answered 401 and the connection closed.
///
/// Back-pressure: requests are answered one at a time, nothing more is read while an answer is
/// being made or the socket is not writable, and a connection with more than
/// `maxUnanswered` requests waiting is closed, so a client that pipelines and never reads costs
/// at most one answer's bytes.
final class ControlHandler: ChannelDuplexHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundIn = Never
    typealias OutboundOut = HTTPServerResponsePart

    /// Whole requests a connection may have waiting for their answers before it is closed.
    static let maxUnanswered = 4

    private let hub: ControlHub
    private let token: BearerToken?
    private let endpoints: [String]
    private let ranges: ControlCommand.Ranges
    private var head: HTTPRequestHead?
    private var body = ByteBuffer()
    private var refusedBody = false
    private var counted = false
    private var streaming = false
    private var closing = false
    /// An answer is being made (or written) for the request at the front.
    private var busy = false
    private var waiting: [(HTTPRequestHead, ByteBuffer)] = []
    private var readHeld = false
    private var deadline: Scheduled<Void>?

    init(hub: ControlHub, token: BearerToken?, endpoints: [String], ranges: ControlCommand.Ranges) {
        self.hub = hub
        self.token = token
        self.endpoints = endpoints
        self.ranges = ranges
    }

    func channelActive(context: ChannelHandlerContext) {
        counted = hub.open(context.channel)
        guard counted else {
            closing = true
            return context.close(promise: nil)
        }
        armDeadline(context)
        context.fireChannelActive()
    }

    func channelInactive(context: ChannelHandlerContext) {
        deadline?.cancel()
        closing = true
        waiting.removeAll()
        if counted { hub.close(context.channel) }
        counted = false
        context.fireChannelInactive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard !closing else { return }
        switch unwrapInboundIn(data) {
        case .head(let head):
            self.head = head
            body.clear()
            refusedBody = false
            if let length = head.headers.first(name: "content-length").flatMap(Int.init), length > hub.limits.bodyBytes {
                refuseBody(context, head)
            }
        case .body(var chunk):
            guard !refusedBody, let head else { return }
            guard body.readableBytes + chunk.readableBytes <= hub.limits.bodyBytes else { return refuseBody(context, head) }
            body.writeBuffer(&chunk)
        case .end:
            guard let head, !refusedBody else { return }
            self.head = nil
            deadline?.cancel()
            guard waiting.count < Self.maxUnanswered else {
                closing = true
                return context.close(promise: nil)
            }
            waiting.append((head, body))
            body = ByteBuffer()
            drain(context)
        }
    }

    /// Bytes that are not HTTP: the error handler before this one has answered 400; close at once.
    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        closing = true
        waiting.removeAll()
        context.close(promise: nil)
    }

    /// Reads only while nothing waits to be answered and the client takes what is written.
    func read(context: ChannelHandlerContext) {
        if closing { return }
        if busy || !waiting.isEmpty || !context.channel.isWritable {
            readHeld = true
            return
        }
        readHeld = false
        context.read()
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        if context.channel.isWritable { drain(context) }
        context.fireChannelWritabilityChanged()
    }

    /// Answers the next waiting request when the last answer is out and the socket takes more.
    private func drain(_ context: ChannelHandlerContext) {
        while !busy, !closing, !streaming, context.channel.isWritable, !waiting.isEmpty {
            let (head, request) = waiting.removeFirst()
            route(context, head, request)
        }
        if readHeld, !busy, waiting.isEmpty, !closing, context.channel.isWritable {
            readHeld = false
            context.read()
        }
    }

    private func refuseBody(_ context: ChannelHandlerContext, _ head: HTTPRequestHead) {
        refusedBody = true
        respond(context, head, .payloadTooLarge, error: "the body is over \(hub.limits.bodyBytes) bytes; a command is one small JSON object", close: true)
    }

    private func route(_ context: ChannelHandlerContext, _ head: HTTPRequestHead, _ body: ByteBuffer) {
        if let token, !token.accepts(head.headers.first(name: "authorization")) {
            return respond(context, head, .unauthorized, error: "this control endpoint needs Authorization: Bearer with the run's token",
                           close: true, extra: [("www-authenticate", "Bearer")])
        }
        hub.authenticated(context.channel)
        let path = head.uri.split(separator: "?", maxSplits: 1).first.map(String.init) ?? head.uri
        switch (path, head.method) {
        case ("/v1/status", .GET), ("/v1/status", .HEAD):
            answer(context, head) { hub in (.ok, await hub.status()) }
        case ("/v1/events", .GET):
            startEvents(context, head)
        case ("/v1/commands", .POST):
            let parsed = ControlCommand.parse(body.readableBytesView, endpoints: endpoints, ranges: ranges)
            switch parsed {
            case .failure(let refusal): respond(context, head, .badRequest, error: refusal.description)
            case .success(let command):
                answer(context, head) { hub in
                    await hub.backend.perform(command)
                    return (.ok, await hub.status(fresh: true))
                }
            }
        case ("/v1/status", _), ("/v1/events", _), ("/v1/commands", _):
            respond(context, head, .methodNotAllowed, error: "\(path) takes \(path == "/v1/commands" ? "POST" : "GET")")
        default:
            respond(context, head, .notFound, error: "no such path; the control endpoint serves GET /v1/status, GET /v1/events and POST /v1/commands")
        }
    }

    /// Answers with what `work` returns, computed off the event loop.
    private func answer(_ context: ChannelHandlerContext, _ head: HTTPRequestHead,
                        _ work: @escaping @Sendable (ControlHub) async -> (HTTPResponseStatus, [UInt8])) {
        busy = true
        let promise = context.eventLoop.makePromise(of: (HTTPResponseStatus, [UInt8]).self)
        let hub = self.hub
        promise.completeWithTask { await work(hub) }
        let bound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
        promise.futureResult.whenSuccess { status, bytes in
            let (handler, context) = bound.value
            handler.busy = false
            handler.write(context, head, status, bytes, contentType: "application/json", close: false)
            handler.drain(context)
        }
    }

    private func startEvents(_ context: ChannelHandlerContext, _ head: HTTPRequestHead) {
        streaming = true
        var headers = HTTPHeaders()
        headers.add(name: "content-type", value: "text/event-stream")
        headers.add(name: "cache-control", value: "no-store")
        context.write(wrapOutboundOut(.head(HTTPResponseHead(version: head.version, status: .ok, headers: headers))), promise: nil)
        context.writeAndFlush(wrapOutboundOut(.body(.byteBuffer(ByteBuffer(string: "retry: 1000\n\n")))), promise: nil)
        hub.subscribe(context.channel)
    }

    private func respond(_ context: ChannelHandlerContext, _ head: HTTPRequestHead, _ status: HTTPResponseStatus, error: String,
                         close: Bool = false, extra: [(String, String)] = []) {
        let json = StatusCoding.encode(["error": error])
        write(context, head, status, json + [0x0A], contentType: "application/json", close: close, extra: extra)
    }

    private func write(_ context: ChannelHandlerContext, _ head: HTTPRequestHead, _ status: HTTPResponseStatus, _ bytes: [UInt8],
                       contentType: String, close: Bool, extra: [(String, String)] = []) {
        guard context.channel.isActive else { return }
        var headers = HTTPHeaders()
        headers.add(name: "content-type", value: contentType)
        headers.add(name: "content-length", value: String(bytes.count))
        for (name, value) in extra { headers.add(name: name, value: value) }
        let closes = close || !head.isKeepAlive
        if closes {
            closing = true
            headers.add(name: "connection", value: "close")
        }
        context.write(wrapOutboundOut(.head(HTTPResponseHead(version: head.version, status: status, headers: headers))), promise: nil)
        if head.method != .HEAD { context.write(wrapOutboundOut(.body(.byteBuffer(ByteBuffer(bytes: bytes)))), promise: nil) }
        let channel = context.channel
        context.writeAndFlush(wrapOutboundOut(.end(nil))).whenComplete { _ in
            if closes { channel.close(promise: nil) }
        }
        // A closing connection whose client reads nothing is closed by the deadline all the same.
        armDeadline(context)
    }

    /// Closes the connection unless a whole request arrives in time.
    private func armDeadline(_ context: ChannelHandlerContext) {
        deadline?.cancel()
        guard !streaming else { return }
        let channel = context.channel
        deadline = context.eventLoop.scheduleTask(in: .milliseconds(Int64(hub.limits.requestSeconds * 1000))) {
            channel.close(promise: nil)
        }
    }
}
