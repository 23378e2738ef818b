/// Reads a 2xx Anthropic event stream as the transport receives it (`AnthropicStreamAssembler`),
/// as `StreamReader` does for OpenAI's.
public final class AnthropicStreamReader: ResponseBodyConsumer {
    private var assembler = AnthropicStreamAssembler(timed: true)
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

    /// The `bodyConsumer` of requests to Anthropic endpoints.
    public static let consumer: @Sendable (Int, String?) -> (any ResponseBodyConsumer)? = { status, contentType in
        StreamReader.streams(status: status, contentType: contentType) ? AnthropicStreamReader(status: status) : nil
    }
}
