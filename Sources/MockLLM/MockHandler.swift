import Engine
import NIOCore
import NIOHTTP1

/// Serves one connection: OpenAI chat and completion requests, answered as `MockState` decides.
final class MockHandler: ChannelInboundHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private let state: MockState
    private var head: HTTPRequestHead?
    private var body: ByteBuffer?

    init(state: MockState) {
        self.state = state
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
        let isChat = path.hasSuffix("/chat/completions")
        guard head.method == .POST, isChat || path.hasSuffix("/completions") else {
            write(context: context, status: 404, headers: [], body: MockReply.error(status: 404, message: "no route \(path)", type: "invalid_request_error"), keepAlive: head.isKeepAlive)
            return
        }
        guard let json = try? JSONParser.parse(body), json.isObject else {
            write(context: context, status: 400, headers: [], body: MockReply.error(status: 400, message: "body is not a JSON object", type: "invalid_request_error"), keepAlive: head.isKeepAlive)
            return
        }
        let decision = state.arrive(prompt: MockReply.prompt(of: json), model: json["model"]?.stringValue ?? "mock-model",
                                    stream: json["stream"] == .bool(true), isChat: isChat)
        switch decision {
        case .hang:
            return
        case .cut(let body, let delay):
            context.eventLoop.assumeIsolated().scheduleTask(in: .nanoseconds(Int64(delay * 1e9))) {
                var headers = HTTPHeaders([("content-type", "application/json")])
                headers.add(name: "content-length", value: String(body.count))
                context.write(self.wrapOutboundOut(.head(HTTPResponseHead(version: .http1_1, status: .ok, headers: headers))), promise: nil)
                let half = context.channel.allocator.buffer(bytes: body.prefix(body.count / 2))
                context.writeAndFlush(self.wrapOutboundOut(.body(.byteBuffer(half)))).assumeIsolated().whenComplete { _ in
                    context.close(promise: nil)
                }
            }
        case .reply(let status, let headers, let body, let delay):
            let keepAlive = head.isKeepAlive
            if delay <= 0 {
                write(context: context, status: status, headers: headers, body: body, keepAlive: keepAlive)
            } else {
                context.eventLoop.assumeIsolated().scheduleTask(in: .nanoseconds(Int64(delay * 1e9))) {
                    self.write(context: context, status: status, headers: headers, body: body, keepAlive: keepAlive)
                }
            }
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
        if !keepAlive { done.assumeIsolated().whenComplete { _ in context.close(promise: nil) } }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }
}
