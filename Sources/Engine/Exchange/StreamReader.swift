/// Reads a 2xx event stream as the transport receives it: each read goes to a `StreamAssembler`
/// at its arrival time, and the stream ends as a parsed answer (`Result<ParsedAnswer, EngineError>`,
/// in `TransportResponse.consumed`). The exchange hands one to the transport per answer that
/// streams (`TransportRequest.bodyConsumer`); it lives on the connection's event loop.
public final class StreamReader: ResponseBodyConsumer {
    private var assembler = StreamAssembler(timed: true)
    private let status: Int

    public init(status: Int) {
        self.status = status
    }

    public func consume(_ bytes: UnsafeRawBufferPointer, at seconds: Double) {
        assembler.feed(bytes, at: seconds)
    }

    public func finish(at seconds: Double) -> any Sendable {
        assembler.finish(status: status, end: seconds)
    }

    /// Whether an answer with this status and `Content-Type` is an event stream to read as it
    /// arrives: a 2xx `text/event-stream`.
    public static func streams(status: Int, contentType: String?) -> Bool {
        (200..<300).contains(status) && contentType?.lowercased().hasPrefix("text/event-stream") == true
    }

    /// The `bodyConsumer` every request carries: a reader for answers that stream, none for the rest.
    public static let consumer: @Sendable (Int, String?) -> (any ResponseBodyConsumer)? = { status, contentType in
        streams(status: status, contentType: contentType) ? StreamReader(status: status) : nil
    }
}
