/// Joins an OpenAI server-sent event stream as its bytes arrive, and times its output chunks.
///
/// A plain value fed by the transport (bytes with their arrival time) and finished once; the
/// same code joins a stream that arrived whole (untimed). Follows the SSE rules OpenAI-compatible
/// servers rely on: `\n`, `\r\n` or `\r` line ends, an event's `data:` lines joined by newlines, an
/// event ends at a blank line (or at the end of the stream), comments and other fields ignored,
/// `[DONE]` ends it. A chunk that is an error object fails the attempt (retryable). Events are
/// split by `EventStreamSplitter`, which scans whole buffers.
public struct StreamAssembler: StreamAssembling {
    private var splitter = EventStreamSplitter()
    private var text = ""
    private var usage: JSONValue?
    private var sawChunk = false
    private var isDone = false
    private var failure: String?
    private let timed: Bool
    private var firstOutput: Double?
    private var lastOutput: Double?
    private var gaps: [Double] = []
    private var outputChunks = 0
    /// The last cumulative `usage.completion_tokens` seen on an output chunk (per-chunk usage).
    private var reportedSoFar: Int?
    private var finishReason: String?
    private var toolCalls = ToolCallAssembler()
    private var refusal: String?
    private var logprobs: [JSONValue]?
    /// The chunks' other top-level fields, in the order they first came (`ChunkParts.fields`).
    private var fields: [JSONField] = []
    private var knownFields: Set<String> = []

    /// Why a stream that stopped without `[DONE]`, a `finish_reason` or usage is not an answer.
    static let endedEarly = "stream ended early"

    /// - Parameter timed: whether the times given to `feed` are real arrival times (else no timing is reported).
    public init(timed: Bool) {
        self.timed = timed
    }

    /// Takes the next bytes of the body, which arrived `time` seconds after the request was written.
    public mutating func feed(_ bytes: some Collection<UInt8>, at time: Double) {
        let fed: Void? = bytes.withContiguousStorageIfAvailable { feed($0, at: time) }
        if fed == nil { Array(bytes).withUnsafeBufferPointer { feed($0, at: time) } }
    }

    private mutating func feed(_ bytes: UnsafeBufferPointer<UInt8>, at time: Double) {
        guard !isDone, failure == nil else { return }
        for event in splitter.feed(bytes) {
            dispatch(event, at: time)
            if isDone || failure != nil { return }
        }
    }

    /// The joined answer (text, last usage, timing when timed), or why the stream is not one.
    /// - Parameter end: seconds from the write to the end of the body.
    public mutating func finish(status: Int, end: Double) -> Result<ParsedAnswer, EngineError> {
        if !isDone, failure == nil {
            for event in splitter.finish() where !isDone && failure == nil { dispatch(event, at: end) }
        }
        // A stream that failed after reporting usage (or output) was billed for it.
        if let failure {
            return .failure(EngineError.invalidResponse(status: status, failure).carrying(usage: usage, partialOutput: outputChunks))
        }
        guard sawChunk else { return .failure(.invalidResponse(status: status, "empty event stream")) }
        // Without [DONE], a finish_reason or usage the stream was cut, however cleanly the connection closed.
        guard isDone || finishReason != nil || usage != nil else {
            return .failure(EngineError.invalidResponse(status: status, Self.endedEarly).carrying(usage: nil, partialOutput: outputChunks))
        }
        var answer = ParsedAnswer(response: .string(text), usage: usage)
        answer.finishReason = finishReason
        answer.refusal = refusal.map(JSONValue.string)
        answer.logprobs = logprobs.map { .object([JSONField("content", .array($0))]) }
        if !toolCalls.isEmpty { answer.toolCalls = toolCalls.toolCalls }
        answer.streamFields = fields
        if timed, let firstOutput {
            let reported = usage?["completion_tokens"]?.intValue
            answer.timing = StreamTiming(ttft: firstOutput, itl: gaps, outputTokens: reported ?? outputChunks,
                                         tokensReported: reported != nil, duration: max(end, lastOutput ?? end))
        }
        return .success(answer)
    }

    /// Handles one whole event's data.
    private mutating func dispatch(_ payload: [UInt8], at time: Double) {
        if payload.count == 6, payload.elementsEqual("[DONE]".utf8) {
            isDone = true
            return
        }
        guard let chunk = payload.withUnsafeBufferPointer({ [knownFields] in JSONParser.chunkParts($0, known: knownFields) }) else {
            failure = "stream chunk is not JSON"
            return
        }
        if let error = chunk.error, error != .null {
            failure = "stream ended with an error: " + (error["message"]?.stringValue ?? error.stringValue ?? "no message")
            return
        }
        sawChunk = true
        for field in chunk.fields {
            if knownFields.insert(field.key).inserted {
                fields.append(field)
            } else if let index = fields.firstIndex(where: { $0.key == field.key }) {
                fields[index].value = field.value
            }
        }
        if let piece = chunk.piece { text += piece }
        if let reason = chunk.finishReason { finishReason = reason }
        if !chunk.toolCalls.isEmpty { toolCalls.add(chunk.toolCalls) }
        if let piece = chunk.refusal { refusal = (refusal ?? "") + piece }
        if !chunk.logprobs.isEmpty { logprobs = (logprobs ?? []) + chunk.logprobs }
        let chunkUsage = chunk.usage.flatMap { $0 == .null ? nil : $0 }
        if let chunkUsage { usage = chunkUsage }
        guard chunk.otherOutput || !(chunk.piece?.isEmpty ?? true) else { return }
        outputChunks += 1
        // Usage on an output chunk is cumulative (vLLM's continuous usage stats): the chunk's tokens.
        let cumulative = chunkUsage?["completion_tokens"]?.intValue
        let tokens = cumulative.map { max(1, $0 - (reportedSoFar ?? 0)) } ?? 1
        if cumulative != nil { reportedSoFar = cumulative }
        if let lastOutput { gaps.append((time - lastOutput) / Double(tokens)) } else { firstOutput = time }
        lastOutput = time
    }
}
