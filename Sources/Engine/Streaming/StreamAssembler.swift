/// Joins an OpenAI server-sent event stream as its bytes arrive, and times its output chunks.
///
/// A plain value fed by the transport (bytes with their arrival time) and finished once; the
/// same code joins a stream that arrived whole (untimed). Follows the SSE rules OpenAI-compatible
/// servers rely on: `\n`, `\r\n` or `\r` line ends, an event's `data:` lines joined by newlines, an
/// event ends at a blank line (or at the end of the stream), comments and other fields ignored,
/// `[DONE]` ends it. A chunk that is an error object fails the attempt (retryable).
public struct StreamAssembler: Sendable {
    private var line: [UInt8] = []
    private var lastWasCR = false
    private var data: [UInt8]?
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

    /// - Parameter timed: whether the times given to `feed` are real arrival times (else no timing is reported).
    public init(timed: Bool) {
        self.timed = timed
    }

    /// Takes the next bytes of the body, which arrived `time` seconds after the request was written.
    public mutating func feed(_ bytes: some Sequence<UInt8>, at time: Double) {
        for byte in bytes {
            guard !isDone, failure == nil else { return }
            switch byte {
            case 0x0A:
                if lastWasCR { lastWasCR = false } else { endLine(at: time) }
            case 0x0D:
                endLine(at: time)
                lastWasCR = true
            default:
                lastWasCR = false
                line.append(byte)
            }
        }
    }

    /// The joined answer (text, last usage, timing when timed), or why the stream is not one.
    /// - Parameter end: seconds from the write to the end of the body.
    public mutating func finish(status: Int, end: Double) -> Result<ParsedAnswer, EngineError> {
        if !isDone {
            if !line.isEmpty { endLine(at: end) }
            if data != nil { dispatch(at: end) }
        }
        if let failure { return .failure(.invalidResponse(status: status, failure)) }
        guard sawChunk else { return .failure(.invalidResponse(status: status, "empty event stream")) }
        var answer = ParsedAnswer(response: .string(text), usage: usage)
        if timed, let firstOutput {
            let reported = usage?["completion_tokens"]?.intValue
            answer.timing = StreamTiming(ttft: firstOutput, itl: gaps, outputTokens: reported ?? outputChunks,
                                         tokensReported: reported != nil, duration: max(end, lastOutput ?? end))
        }
        return .success(answer)
    }

    private mutating func endLine(at time: Double) {
        defer { line.removeAll(keepingCapacity: true) }
        if line.isEmpty {
            if data != nil { dispatch(at: time) }
            return
        }
        guard line.starts(with: Self.dataField) else { return }
        var payload = line.dropFirst(Self.dataField.count)
        if payload.first == 0x20 { payload = payload.dropFirst() }
        if data == nil { data = Array(payload) } else { data!.append(0x0A); data!.append(contentsOf: payload) }
    }

    private static let dataField = Array("data:".utf8)
    private static let doneMarker = Array("[DONE]".utf8)

    /// Handles one whole event's data.
    private mutating func dispatch(at time: Double) {
        guard let payload = data else { return }
        data = nil
        if payload.elementsEqual(Self.doneMarker) {
            isDone = true
            return
        }
        guard let chunk = try? JSONParser.parse(payload) else {
            failure = "stream chunk is not JSON"
            return
        }
        if let error = chunk["error"], error != .null {
            failure = "stream ended with an error: " + (error["message"]?.stringValue ?? error.stringValue ?? "no message")
            return
        }
        sawChunk = true
        let choice = chunk["choices"]?[0]
        let delta = choice?["delta"]
        let piece = delta?["content"]?.stringValue ?? choice?["text"]?.stringValue
        if let piece { text += piece }
        let chunkUsage = chunk["usage"].flatMap { $0 == .null ? nil : $0 }
        if let chunkUsage { usage = chunkUsage }
        guard Self.carriesOutput(piece: piece, delta: delta) else { return }
        outputChunks += 1
        // Usage on an output chunk is cumulative (vLLM's continuous usage stats): the chunk's tokens.
        let cumulative = chunkUsage?["completion_tokens"]?.intValue
        let tokens = cumulative.map { max(1, $0 - (reportedSoFar ?? 0)) } ?? 1
        if cumulative != nil { reportedSoFar = cumulative }
        if let lastOutput { gaps.append((time - lastOutput) / Double(tokens)) } else { firstOutput = time }
        lastOutput = time
    }

    /// Whether a chunk carries output: text, reasoning or a tool call (a role-only delta does not).
    private static func carriesOutput(piece: String?, delta: JSONValue?) -> Bool {
        if let piece, !piece.isEmpty { return true }
        for key in ["reasoning_content", "reasoning"] {
            if let reasoning = delta?[key]?.stringValue, !reasoning.isEmpty { return true }
        }
        if case .array(let calls)? = delta?["tool_calls"], !calls.isEmpty { return true }
        return false
    }
}
