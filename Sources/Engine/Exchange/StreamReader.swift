/// What joins one API's event stream: fed bytes with their arrival time, finished once.
public protocol StreamAssembling: Sendable {
    /// - Parameter timed: whether the times given to `feed` are real arrival times.
    init(timed: Bool)
    mutating func feed(_ bytes: some Collection<UInt8>, at time: Double)
    mutating func finish(status: Int, end: Double) -> Result<ParsedAnswer, EngineError>
}

extension StreamAssembling {
    /// A stream that arrived whole (no timing), joined.
    static func joining(_ body: [UInt8], status: Int) -> Result<ParsedAnswer, EngineError> {
        var assembler = Self(timed: false)
        assembler.feed(body, at: 0)
        return assembler.finish(status: status, end: 0)
    }
}

/// Reads a 2xx event stream as the transport receives it: each read goes to the API's assembler
/// (`StreamAssembler` for OpenAI's, `AnthropicStreamAssembler` for Anthropic's) at its arrival time,
/// and the stream ends as a parsed answer (`Result<ParsedAnswer, EngineError>`, in
/// `TransportResponse.consumed`). The exchange hands one to the transport per answer that streams
/// (`TransportRequest.bodyConsumer`); it lives on the connection's event loop.
public final class EventStreamReader<Assembler: StreamAssembling>: ResponseBodyConsumer {
    private var assembler = Assembler(timed: true)
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

    /// The `bodyConsumer` requests carry: a reader for answers that stream, none for the rest.
    public static var consumer: @Sendable (Int, String?) -> (any ResponseBodyConsumer)? {
        { status, contentType in streams(status: status, contentType: contentType) ? EventStreamReader(status: status) : nil }
    }
}

/// OpenAI's streams.
public typealias StreamReader = EventStreamReader<StreamAssembler>
/// Anthropic's streams.
public typealias AnthropicStreamReader = EventStreamReader<AnthropicStreamAssembler>
