/// How a streamed answer arrived, measured per attempt from the moment its request was written.
///
/// Definitions follow vLLM's `benchmarks/serve.py`: TTFT is the first chunk that carries output
/// (content, reasoning, text or a tool call; a role-only or empty first chunk does not count); ITL
/// are the gaps between such chunks, divided by the chunk's tokens when the server reports usage
/// per chunk; TPOT is (end − TTFT) / (output tokens − 1).
public struct StreamTiming: Sendable, Hashable {
    /// Seconds from the request's write to its first output chunk.
    public var ttft: Double
    /// Seconds between consecutive output chunks (per token when usage came per chunk), in order.
    public var itl: [Double]
    /// `usage.completion_tokens` when the server sent it, else the number of output chunks.
    public var outputTokens: Int
    /// Whether `outputTokens` came from the server's usage (else it counts chunks).
    public var tokensReported: Bool
    /// Seconds from the request's write to the end of the stream.
    public var duration: Double

    public init(ttft: Double, itl: [Double], outputTokens: Int, tokensReported: Bool, duration: Double) {
        self.ttft = ttft
        self.itl = itl
        self.outputTokens = outputTokens
        self.tokensReported = tokensReported
        self.duration = duration
    }

    /// Seconds per output token after the first; nil for answers of one token or none.
    public var tpot: Double? {
        outputTokens > 1 ? max(0, duration - ttft) / Double(outputTokens - 1) : nil
    }

    /// Output tokens per second over the whole attempt.
    public var tokensPerSecond: Double? {
        duration > 0 ? Double(outputTokens) / duration : nil
    }
}
