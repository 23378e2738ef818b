import NIOCore
import NIOHTTP1

/// One streamed answer being sent: its events framed as HTTP chunks in one buffer, written a token
/// at a time by the event loop's `TokenWheel` straight to the socket (`RawWriter`); frees its place
/// in the server when done or when the client left.
final class StreamedAnswer {
    private let context: ChannelHandlerContext
    private let raw: ChannelHandlerContext
    private let state: MockState
    private let buffer: ByteBuffer
    private let ends: [Int]
    private let start: NIODeadline
    private let delay: Int64
    private let every: Int64
    private let requestID: String
    private let received: Double
    private let keepAlive: Bool
    private var next = 0

    /// - Parameters:
    ///   - delay: seconds from now to the first token; `every`: seconds between tokens.
    ///   - received: when the request arrived (seconds since the server started), for the trace.
    init(context: ChannelHandlerContext, raw: ChannelHandlerContext, state: MockState, stream: MockReply.Stream, delay: Double,
         every: Double, requestID: String, received: Double, keepAlive: Bool) {
        self.context = context
        self.raw = raw
        self.state = state
        (buffer, ends) = Self.framed(stream, allocator: context.channel.allocator)
        start = .now()
        self.delay = Int64(delay * 1e9)
        self.every = Int64(every * 1e9)
        self.requestID = requestID
        self.received = received
        self.keepAlive = keepAlive
    }

    /// When the next token is due.
    var nextDeadline: NIODeadline { start + .nanoseconds(delay + Int64(next) * every) }

    /// Writes the next token (with the closing events after the last); returns whether more remain.
    func sendNext() -> Bool {
        guard context.channel.isActive else {
            finish()
            return false
        }
        let from = next == 0 ? 0 : ends[next - 1]
        let part = buffer.getSlice(at: from, length: ends[next] - from)!
        raw.writeAndFlush(NIOAny(part), promise: nil)
        if next == 0 { state.traceFirstToken(requestID: requestID, received: received) }
        next += 1
        guard next == ends.count else { return true }
        let done = context.writeAndFlush(NIOAny(HTTPServerResponsePart.end(nil)))
        if !keepAlive {
            let context = self.context
            done.assumeIsolated().whenComplete { _ in context.close(promise: nil) }
        }
        finish()
        return false
    }

    /// Each token's part as one HTTP chunk (`size\r\n`, the bytes, `\r\n`), all in one buffer.
    static func framed(_ stream: MockReply.Stream, allocator: ByteBufferAllocator) -> (ByteBuffer, [Int]) {
        var buffer = allocator.buffer(capacity: stream.bytes.count + stream.ends.count * 10)
        var ends: [Int] = []
        var from = 0
        for end in stream.ends {
            buffer.writeString(String(end - from, radix: 16) + "\r\n")
            buffer.writeBytes(stream.bytes[from..<end])
            buffer.writeStaticString("\r\n")
            ends.append(buffer.writerIndex)
            from = end
        }
        return (buffer, ends)
    }

    private func finish() {
        state.replied()
        state.served()
    }
}
