import NIOCore
import NIOHTTP1

/// Reads a control endpoint's answer on the client side: a whole body for a request, or events
/// for `/v1/events` (each event's status decoded and yielded as it completes).
final class ControlResponseHandler: ChannelInboundHandler {
    typealias InboundIn = HTTPClientResponsePart

    /// The most a whole answer may hold (a status of thousands of endpoints is a few MB).
    static let maxBodyBytes = 64 << 20

    private enum Mode {
        case answer(EventLoopPromise<(Int, [UInt8])>)
        case events(AsyncThrowingStream<StatusDocument, any Error>.Continuation)
    }

    private let mode: Mode
    private let address: ControlAddress
    private var status = 0
    private var body: [UInt8] = []
    private var parser = ServerSentEvents()
    private var isComplete = false

    init(answer: EventLoopPromise<(Int, [UInt8])>, address: ControlAddress) {
        mode = .answer(answer)
        self.address = address
    }

    init(events: AsyncThrowingStream<StatusDocument, any Error>.Continuation, address: ControlAddress) {
        mode = .events(events)
        self.address = address
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            status = Int(head.status.code)
        case .body(let buffer):
            if case .events(let continuation) = mode, status == 200 {
                for event in parser.feed(buffer.readableBytesView) {
                    if let document = try? StatusCoding.decode(StatusDocument.self, from: event) { continuation.yield(document) }
                }
            } else if body.count + buffer.readableBytes <= Self.maxBodyBytes {
                body.append(contentsOf: buffer.readableBytesView)
            } else {
                fail(EngineError.control("the control endpoint's answer is over \(Self.maxBodyBytes) bytes"))
                context.close(promise: nil)
            }
        case .end:
            guard !isComplete else { return }
            isComplete = true
            switch mode {
            case .answer(let promise): promise.succeed((status, body))
            case .events(let continuation):
                if status == 200 {
                    continuation.finish()
                } else {
                    continuation.finish(throwing: ControlClient.refusal(status, body, address))
                }
            }
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        fail(EngineError.connectionLost("the control connection closed"))
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        fail(error)
        context.close(promise: nil)
    }

    private func fail(_ error: any Error) {
        guard !isComplete else { return }
        isComplete = true
        switch mode {
        case .answer(let promise): promise.fail(error)
        case .events(let continuation): continuation.finish(throwing: error)
        }
    }
}
