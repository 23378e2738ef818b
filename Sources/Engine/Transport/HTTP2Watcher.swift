import NIOCore
import NIOHTTP2
import Synchronization

/// Watches an HTTP/2 connection's own frames, between the HTTP/2 handler and the stream
/// multiplexer: the server's first SETTINGS says how many streams it takes at once (reported
/// through `ready`), and a GOAWAY marks the connection as taking no new requests.
final class HTTP2Watcher: ChannelInboundHandler {
    typealias InboundIn = HTTP2Frame
    typealias InboundOut = HTTP2Frame

    /// What fanout assumes when the server does not limit concurrent streams (RFC 9113 advises at
    /// least 100).
    static let unlimitedStreams = 100
    /// The most streams fanout opens on one connection, whatever the server allows.
    static let maxStreams = 1_000

    private var ready: EventLoopPromise<Int>?
    private let goingAway: GoAwayFlag

    init(ready: EventLoopPromise<Int>, goingAway: GoAwayFlag) {
        self.ready = ready
        self.goingAway = goingAway
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let frame = unwrapInboundIn(data)
        switch frame.payload {
        case .settings(.settings(let settings)):
            if let ready {
                self.ready = nil
                let limit = settings.last(where: { $0.parameter == .maxConcurrentStreams })?.value ?? Self.unlimitedStreams
                guard limit > 0 else {
                    // No stream would ever open: say so now rather than time out waiting for one.
                    ready.fail(EngineError.noStreams)
                    context.close(promise: nil)
                    return
                }
                ready.succeed(min(limit, Self.maxStreams))
            }
        case .goAway(let lastStreamID, _, _):
            goingAway.set(lastStreamID: Int(lastStreamID))
        default:
            break
        }
        context.fireChannelRead(data)
    }

    func channelInactive(context: ChannelHandlerContext) {
        goingAway.set()
        ready?.fail(ChannelError.eof)
        ready = nil
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        if let ready {
            self.ready = nil
            ready.fail(error)
            context.close(promise: nil)
        }
        context.fireErrorCaught(error)
    }
}

/// Set once a connection's server sent GOAWAY (or the connection closed): no new request goes on it.
final class GoAwayFlag: Sendable {
    private let value = Atomic(false)
    /// The GOAWAY's last stream id (-1: none came).
    private let lastStream = Atomic(-1)

    func set() { value.store(true, ordering: .relaxed) }

    func set(lastStreamID: Int) {
        lastStream.store(lastStreamID, ordering: .relaxed)
        set()
    }

    var isSet: Bool { value.load(ordering: .relaxed) }

    /// How many requests the server processed on the connection before its GOAWAY (client streams
    /// have odd ids from 1), nil when none came.
    var processed: Int? {
        let last = lastStream.load(ordering: .relaxed)
        return last < 0 ? nil : (last + 1) / 2
    }
}
