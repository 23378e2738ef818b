import NIOCore

/// The first handler of a mock connection's pipeline: writes made through its context reach the
/// socket without passing the HTTP handlers.
///
/// A streamed answer's tokens are framed as HTTP chunks in advance (`StreamedAnswer`) and written
/// here, so each token costs one buffer write instead of a trip through the encoder, the header
/// validator and the pipelining handler; its head and end still go the normal way, in order.
final class RawWriter: ChannelOutboundHandler {
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private(set) var context: ChannelHandlerContext?

    func handlerAdded(context: ChannelHandlerContext) { self.context = context }
    func handlerRemoved(context: ChannelHandlerContext) { self.context = nil }
}
