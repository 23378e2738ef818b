import NIOCore

/// Asks an HTTP proxy for a tunnel (`CONNECT host:port`) on a fresh connection and completes its
/// promise when the proxy answers 2xx, then removes itself so TLS runs through the tunnel.
///
/// Any other answer fails the promise with a sentence naming the proxy and its status (407: the
/// proxy wants credentials), never the credentials sent. The answer's head is read up to 16 KiB.
final class ProxyTunnelHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer

    static let maxHeadBytes = 16 * 1024

    private let target: String
    private let proxy: ProxyServer
    private var promise: EventLoopPromise<Void>?
    private var head: [UInt8] = []
    /// NIO may report the channel active after the handler was added to an active channel: the
    /// request goes out once.
    private var sent = false

    /// - Parameter target: `host:port` of the endpoint (IPv6 in brackets).
    init(target: String, proxy: ProxyServer, promise: EventLoopPromise<Void>) {
        self.target = target
        self.proxy = proxy
        self.promise = promise
    }

    func handlerAdded(context: ChannelHandlerContext) {
        if context.channel.isActive { sendRequest(context: context) }
    }

    func channelActive(context: ChannelHandlerContext) {
        sendRequest(context: context)
        context.fireChannelActive()
    }

    private func sendRequest(context: ChannelHandlerContext) {
        guard !sent else { return }
        sent = true
        var text = "CONNECT \(target) HTTP/1.1\r\nHost: \(target)\r\n"
        if let authorization = proxy.authorization { text += "Proxy-Authorization: \(authorization)\r\n" }
        text += "\r\n"
        context.writeAndFlush(NIOAny(context.channel.allocator.buffer(string: text)), promise: nil)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard promise != nil else { return context.fireChannelRead(data) }
        let buffer = unwrapInboundIn(data)
        head.append(contentsOf: buffer.readableBytesView)
        guard let end = Self.endOfHead(head) else {
            if head.count > Self.maxHeadBytes { fail("its answer to CONNECT has a head over 16 KiB", context: context) }
            return
        }
        let statusLine = head[..<(head.firstIndex(of: UInt8(ascii: "\r")) ?? end)]
        let parts = String(decoding: statusLine, as: UTF8.self).split(separator: " ", maxSplits: 2)
        guard parts.count >= 2, parts[0].hasPrefix("HTTP/1."), let status = Int(parts[1]) else {
            return fail("its answer to CONNECT is not HTTP", context: context)
        }
        guard (200..<300).contains(status) else {
            let reason = parts.count > 2 ? " " + URLText.printable(String(parts[2].prefix(80))) : ""
            return fail(Self.explain(status: status, reason: reason, target: target, hasCredentials: proxy.authorization != nil), context: context)
        }
        let promise = self.promise
        self.promise = nil
        context.pipeline.syncOperations.removeHandler(self, promise: nil)
        promise?.succeed()
    }

    /// What a refusal means, in words a user can act on.
    static func explain(status: Int, reason: String, target: String, hasCredentials: Bool) -> String {
        switch status {
        case 407:
            return hasCredentials ? "refused the credentials in its URL (407\(reason))"
                : "wants credentials (407\(reason)): put them in the proxy URL, http://user:password@host:port"
        case 403: return "refused a tunnel to \(target) (403\(reason)); its rules may allow only some hosts or ports"
        default: return "refused a tunnel to \(target) (\(status)\(reason))"
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        fail("closed the connection before answering CONNECT", context: context)
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        guard let promise else { return context.fireErrorCaught(error) }
        self.promise = nil
        context.close(promise: nil)
        promise.fail(error)
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        promise?.fail(ChannelError.ioOnClosedChannel)
        promise = nil
    }

    private func fail(_ reason: String, context: ChannelHandlerContext) {
        guard let promise else { return }
        self.promise = nil
        context.close(promise: nil)
        promise.fail(EngineError.connect("the proxy \(proxy) \(reason)"))
    }

    private static func endOfHead(_ bytes: [UInt8]) -> Int? {
        guard bytes.count >= 4 else { return nil }
        for index in 0...(bytes.count - 4) where bytes[index] == 13 && bytes[index + 1] == 10 && bytes[index + 2] == 13 && bytes[index + 3] == 10 {
            return index
        }
        return nil
    }
}
