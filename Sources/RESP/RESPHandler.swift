import DequeModule
import NIOCore

/// What `RESPConnection` writes: pipelined commands, and one promise per reply they will bring.
struct RESPRequest: Sendable {
    let bytes: ByteBuffer
    let replies: [EventLoopPromise<RESPValue>]
}

/// Matches replies to commands in order: each reply that arrives fulfils the oldest promise.
///
/// Lives on the channel's event loop. A protocol violation or a closed connection fails every
/// promise still waiting and closes the channel; nothing waits for ever on a dead connection.
final class RESPHandler: ChannelDuplexHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundIn = RESPRequest
    typealias OutboundOut = ByteBuffer

    private var waiting: Deque<EventLoopPromise<RESPValue>> = []
    private var received: ByteBuffer?

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        let request = unwrapOutboundIn(data)
        waiting.append(contentsOf: request.replies)
        context.write(wrapOutboundOut(request.bytes), promise: promise)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var bytes = unwrapInboundIn(data)
        if received == nil { received = bytes } else { received!.writeBuffer(&bytes) }
        do {
            while var buffer = received, let value = try RESPDecoder.decode(&buffer) {
                received = buffer
                guard let promise = waiting.popFirst() else { throw RESPError.protocolViolation("a reply nothing asked for") }
                promise.succeed(value)
            }
            if received?.readableBytes == 0 { received = nil } else { received?.discardReadBytes() }
        } catch {
            failAll(error as? RESPError ?? .connectionClosed)
            context.close(promise: nil)
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        failAll(.connectionClosed)
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        failAll(error as? RESPError ?? .unreachable(Self.describe(error)))
        context.close(promise: nil)
    }

    private func failAll(_ error: RESPError) {
        while let promise = waiting.popFirst() { promise.fail(error) }
    }

    /// A transport or TLS error in a few words.
    static func describe(_ error: any Error) -> String {
        String(String(describing: error).prefix(160))
    }
}
