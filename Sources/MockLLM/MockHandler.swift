import Engine
import NIOCore
import NIOHTTP1

/// Serves one connection: OpenAI chat and completion requests, answered as `MockState` decides.
final class MockHandler: ChannelInboundHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private let state: MockState
    private let wheels: TokenWheels
    /// Where a stream's pre-framed tokens are written (straight to the socket).
    private let raw: RawWriter
    private var head: HTTPRequestHead?
    private var body: ByteBuffer?

    init(state: MockState, wheels: TokenWheels, raw: RawWriter) {
        self.state = state
        self.wheels = wheels
        self.raw = raw
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            self.head = head
            body = context.channel.allocator.buffer(capacity: 512)
        case .body(var chunk):
            body?.writeBuffer(&chunk)
        case .end:
            guard let head else { return }
            respond(context: context, head: head, body: body.map { Array(buffer: $0) } ?? [])
            self.head = nil
            body = nil
        }
    }

    private func respond(context: ChannelHandlerContext, head: HTTPRequestHead, body: [UInt8]) {
        let path = head.uri.split(separator: "?").first.map(String.init) ?? head.uri
        if path.hasPrefix("/mock/") { return administer(context: context, head: head, path: path, body: body) }
        if head.method == .GET, path == "/metrics", state.behavior.servesMetrics {
            return write(context: context, status: 200, headers: [("content-type", "text/plain; version=0.0.4")], body: Array(state.metricsPage.utf8),
                         keepAlive: head.isKeepAlive)
        }
        if let batches = state.batches, let (status, answer) = MockBatchRoutes.answer(head: head, path: path, body: body, batches: batches,
                                                                                     host: head.headers.first(name: "host") ?? "127.0.0.1") {
            return write(context: context, status: status, headers: [], body: answer, keepAlive: head.isKeepAlive)
        }
        if state.behavior.anthropic { return respondAnthropic(context: context, head: head, path: path, body: body) }
        let isChat = path.hasSuffix("/chat/completions")
        guard head.method == .POST, isChat || path.hasSuffix("/completions") else {
            write(context: context, status: 404, headers: [], body: MockReply.error(status: 404, message: "no route \(path)", type: "invalid_request_error"), keepAlive: head.isKeepAlive)
            return
        }
        guard let json = try? JSONParser.parse(body), json.isObject else {
            write(context: context, status: 400, headers: [], body: MockReply.error(status: 400, message: "body is not a JSON object", type: "invalid_request_error"), keepAlive: head.isKeepAlive)
            return
        }
        carryOut(state.arrive(MockRequest(body: json, isChat: isChat)), context: context, head: head)
    }

    /// `--api anthropic`: only `POST /v1/messages`, read as strictly as the real API reads it.
    private func respondAnthropic(context: ChannelHandlerContext, head: HTTPRequestHead, path: String, body: [UInt8]) {
        guard head.method == .POST, path.hasSuffix("/messages") else {
            return write(context: context, status: 404, headers: [], body: AnthropicMockReply.error(status: 404, message: "Not found: \(path)"),
                         keepAlive: head.isKeepAlive)
        }
        let json = try? JSONParser.parse(body)
        if let problem = json.map({ AnthropicMockReply.problem(body: $0, version: head.headers.first(name: "anthropic-version")) })
            ?? "body: Input should be a JSON object" {
            return write(context: context, status: 400, headers: [], body: AnthropicMockReply.error(status: 400, message: problem), keepAlive: head.isKeepAlive)
        }
        var decision = state.arrive(MockRequest(body: json!, isChat: true, anthropic: true))
        if case .reply(let status, let headers, let body, let delay, let served) = decision, status >= 300 {
            // The mock's failures in Anthropic's error shape, kept in its status.
            let message = (try? JSONParser.parse(body))?["error"]?["message"]?.stringValue ?? "mock failure"
            decision = .reply(status: status, headers: headers, body: AnthropicMockReply.error(status: status, message: message), after: delay, served: served)
        }
        carryOut(decision, context: context, head: head)
    }

    private func carryOut(_ decision: MockState.Decision, context: ChannelHandlerContext, head: HTTPRequestHead) {
        let received = state.now
        switch decision {
        case .hang:
            return
        case .stream(let headers, let stream, let delay, let every, let requestID):
            let plan = StreamPlan(headers: headers, stream: stream, delay: delay, every: every, requestID: requestID,
                                  received: received, keepAlive: head.isKeepAlive)
            let loop = context.eventLoop
            let bound = NIOLoopBound((self, context), eventLoop: loop)
            state.serve {
                loop.execute {
                    let (handler, context) = bound.value
                    handler.startStream(plan, context: context)
                }
            }
        case .cut(let body, let delay):
            context.eventLoop.assumeIsolated().scheduleTask(in: .nanoseconds(Int64(delay * 1e9))) {
                self.state.replied()
                var headers = HTTPHeaders([("content-type", "application/json")])
                headers.add(name: "content-length", value: String(body.count))
                context.write(self.wrapOutboundOut(.head(HTTPResponseHead(version: .http1_1, status: .ok, headers: headers))), promise: nil)
                let half = context.channel.allocator.buffer(bytes: body.prefix(body.count / 2))
                context.writeAndFlush(self.wrapOutboundOut(.body(.byteBuffer(half)))).assumeIsolated().whenComplete { _ in
                    context.close(promise: nil)
                }
            }
        case .reply(let status, let headers, let body, let delay, let served):
            let keepAlive = head.isKeepAlive
            guard served else {
                return reply(context: context, after: delay) { $0.answer(context: context, status: status, headers: headers, body: body, keepAlive: keepAlive) }
            }
            // The answer waits for one of the server's places and holds it for its whole latency.
            let loop = context.eventLoop
            let bound = NIOLoopBound((self, context), eventLoop: loop)
            state.serve {
                loop.execute {
                    let (handler, context) = bound.value
                    handler.reply(context: context, after: delay) { handler in
                        handler.answer(context: context, status: status, headers: headers, body: body, keepAlive: keepAlive)
                        handler.state.served()
                    }
                }
            }
        }
    }

    /// A streamed answer's parts and pace.
    struct StreamPlan {
        var headers: [(String, String)]
        var stream: StreamAnswer
        var delay: Double
        var every: Double
        var requestID: String
        /// When the request arrived, seconds since the server started (for the trace).
        var received: Double
        var keepAlive: Bool
    }

    /// Sends the head now and hands the tokens to the loop's `TokenWheel`: token `i` at
    /// `delay + i·every` from now, the closing events with the last; then the place is freed.
    private func startStream(_ plan: StreamPlan, context: ChannelHandlerContext) {
        guard context.channel.isActive, let rawContext = raw.context else {
            state.replied()
            state.served()
            return
        }
        var headers = HTTPHeaders(plan.headers)
        headers.add(name: "transfer-encoding", value: "chunked")
        if !plan.keepAlive { headers.add(name: "connection", value: "close") }
        context.writeAndFlush(wrapOutboundOut(.head(HTTPResponseHead(version: .http1_1, status: .ok, headers: headers))), promise: nil)
        let answer = StreamedAnswer(context: context, raw: rawContext, state: state, stream: plan.stream.encoded(), delay: plan.delay, every: plan.every,
                                    requestID: plan.requestID, received: plan.received,
                                    keepAlive: plan.keepAlive && !state.behavior.closesAfterAnswer)
        wheels.wheel(for: context.eventLoop).add(answer)
    }

    /// Writes the answer to a counted request (it is no longer pending).
    private func answer(context: ChannelHandlerContext, status: Int, headers: [(String, String)], body: [UInt8], keepAlive: Bool) {
        state.replied()
        write(context: context, status: status, headers: headers, body: body, keepAlive: keepAlive)
    }

    /// Runs `send` after `delay` seconds on the connection's event loop (at once for none).
    private func reply(context: ChannelHandlerContext, after delay: Double, _ send: @escaping (MockHandler) -> Void) {
        guard delay > 0 else { return send(self) }
        context.eventLoop.assumeIsolated().scheduleTask(in: .nanoseconds(Int64(delay * 1e9))) { send(self) }
    }

    /// `GET /mock/stats` (what the server has seen), `GET /mock/trace` (streamed answers' first-token
    /// times, `MockState.traceLines`) and `POST /mock/capacity` with
    /// `{"capacity": N}` (0 or null: no limit), to change a running server.
    private func administer(context: ChannelHandlerContext, head: HTTPRequestHead, path: String, body: [UInt8]) {
        let keepAlive = head.isKeepAlive
        switch (head.method, path) {
        case (.GET, "/mock/stats"):
            write(context: context, status: 200, headers: [], body: state.statistics.encodedBytes, keepAlive: keepAlive)
        case (.GET, "/mock/batch_executions"):
            let counts = state.batches?.executions ?? [:]
            let body = JSONValue.object(counts.keys.sorted().map { JSONField($0, .number(counts[$0]!)) })
            write(context: context, status: 200, headers: [], body: body.encodedBytes, keepAlive: keepAlive)
        case (.GET, "/mock/trace"):
            write(context: context, status: 200, headers: [("content-type", "application/x-ndjson")], body: state.traceLines, keepAlive: keepAlive)
        case (.POST, "/mock/capacity"):
            guard let json = try? JSONParser.parse(body), let value = json["capacity"], value == .null || (value.intValue ?? -1) >= 0 else {
                return write(context: context, status: 400, headers: [],
                             body: MockReply.error(status: 400, message: "send {\"capacity\": N} (0 or null for no limit)", type: "invalid_request_error"),
                             keepAlive: keepAlive)
            }
            let capacity = value.intValue.flatMap { $0 > 0 ? $0 : nil }
            state.behavior.capacity = capacity
            write(context: context, status: 200, headers: [], body: state.statistics.encodedBytes, keepAlive: keepAlive)
        default:
            write(context: context, status: 404, headers: [], body: MockReply.error(status: 404, message: "no route \(path)", type: "invalid_request_error"),
                  keepAlive: keepAlive)
        }
    }

    private func write(context: ChannelHandlerContext, status: Int, headers: [(String, String)], body: [UInt8], keepAlive: Bool) {
        guard context.channel.isActive else { return }
        var responseHeaders = HTTPHeaders(headers)
        if responseHeaders["content-type"].isEmpty { responseHeaders.add(name: "content-type", value: "application/json") }
        responseHeaders.add(name: "content-length", value: String(body.count))
        if !keepAlive { responseHeaders.add(name: "connection", value: "close") }
        let head = HTTPResponseHead(version: .http1_1, status: HTTPResponseStatus(statusCode: status), headers: responseHeaders)
        context.write(wrapOutboundOut(.head(head)), promise: nil)
        context.write(wrapOutboundOut(.body(.byteBuffer(context.channel.allocator.buffer(bytes: body)))), promise: nil)
        let done = context.writeAndFlush(wrapOutboundOut(.end(nil)))
        if !keepAlive || state.behavior.closesAfterAnswer { done.assumeIsolated().whenComplete { _ in context.close(promise: nil) } }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }
}
