/// Joins an Anthropic Messages event stream as its bytes arrive, and times its output.
///
/// Events: `message_start` (the message with empty content and the input usage),
/// `content_block_start` / `content_block_delta` (`text_delta`, `input_json_delta`,
/// `thinking_delta`, `signature_delta`) / `content_block_stop`, `message_delta` (the stop reason,
/// cumulative usage), `message_stop`, `ping`, and `error` at any time — `overloaded_error` after a
/// 200 is retried like a 529. Output is timed as for OpenAI streams: TTFT is the first delta that
/// carries output (text, thinking or tool input), ITL the gaps between them.
public struct AnthropicStreamAssembler: StreamAssembling {
    private var events = EventStreamSplitter()
    private let timed: Bool
    private var text = ""
    private var toolCalls: [(id: JSONValue?, name: JSONValue?, arguments: String)] = []
    /// Content block index → position in `toolCalls`.
    private var toolBlocks: [Int: Int] = [:]
    private var usage: [JSONField] = []
    private var stopReason: String?
    private var started = false
    private var stopped = false
    private var failure: EngineError?
    private var firstOutput: Double?
    private var lastOutput: Double?
    private var gaps: [Double] = []
    private var outputChunks = 0
    /// Content blocks started (`content_block_start`): a delta for any other is an invalid stream.
    private var blocks = Set<Int>()

    public init(timed: Bool) {
        self.timed = timed
    }

    public mutating func feed(_ bytes: some Collection<UInt8>, at time: Double) {
        guard failure == nil, !stopped else { return }
        let fed: [[UInt8]]? = bytes.withContiguousStorageIfAvailable { events.feed($0) }
        for event in fed ?? Array(bytes).withUnsafeBufferPointer({ events.feed($0) }) where failure == nil && !stopped { handle(event, at: time) }
    }

    /// The joined answer, or why the stream is not one.
    public mutating func finish(status: Int, end: Double) -> Result<ParsedAnswer, EngineError> {
        if failure == nil, !stopped { for event in events.finish() where failure == nil && !stopped { handle(event, at: end) } }
        let raw: JSONValue? = usage.isEmpty ? nil : .object(usage)
        if let failure { return .failure(failure.carrying(usage: AnthropicAnswer.counts(raw), partialOutput: outputChunks)) }
        guard started else { return .failure(.invalidResponse(status: status, "empty event stream")) }
        guard stopped || stopReason != nil else {
            return .failure(EngineError.invalidResponse(status: status, "the stream ended before message_stop")
                .carrying(usage: AnthropicAnswer.counts(raw), partialOutput: outputChunks))
        }
        let calls = toolCalls.map { AnthropicAnswer.toolCall(id: $0.id, name: $0.name, arguments: $0.arguments.isEmpty ? "{}" : $0.arguments) }
        var answer = AnthropicAnswer.answer(text: text, toolCalls: calls, stopReason: stopReason, usage: raw)
        answer.status = status
        if timed, let firstOutput {
            let reported = raw?["output_tokens"]?.intValue
            answer.timing = StreamTiming(ttft: firstOutput, itl: gaps, outputTokens: reported ?? outputChunks,
                                         tokensReported: reported != nil, duration: max(end, lastOutput ?? end))
        }
        return .success(answer)
    }

    private mutating func handle(_ payload: [UInt8], at time: Double) {
        // Most events are one token of text: read those without building a tree.
        if let (index, piece) = Self.textDelta(payload) {
            guard blocks.contains(index) else { return refuseDelta(index) }
            text += piece
            output(at: time)
            return
        }
        guard let event = try? JSONParser.parse(payload) else {
            failure = .invalidResponse(status: 200, "stream event is not JSON")
            return
        }
        switch event["type"]?.stringValue {
        case "message_start":
            started = true
            merge(event["message"]?["usage"])
        case "content_block_start":
            guard let index = event["index"]?.intValue else {
                failure = .invalidResponse(status: 200, "content_block_start without an index")
                return
            }
            blocks.insert(index)
            let block = event["content_block"]
            if block?["type"] == "tool_use" {
                toolBlocks[index] = toolCalls.count
                toolCalls.append((block?["id"], block?["name"], ""))
            } else if let piece = block?["text"]?.stringValue, !piece.isEmpty {
                text += piece
                output(at: time)
            }
        case "content_block_delta":
            delta(event, at: time)
        case "message_delta":
            if let reason = event["delta"]?["stop_reason"]?.stringValue { stopReason = reason }
            merge(event["usage"])
        case "message_stop":
            stopped = true
        case "error":
            failure = AnthropicAnswer.streamError(event["error"])
        default:
            break   // ping, content_block_stop, and types added later
        }
    }

    private mutating func delta(_ event: JSONValue, at time: Double) {
        guard let index = event["index"]?.intValue, blocks.contains(index) else { return refuseDelta(event["index"]?.intValue) }
        let delta = event["delta"]
        switch delta?["type"]?.stringValue {
        case "text_delta":
            text += delta?["text"]?.stringValue ?? ""
        case "input_json_delta":
            if let position = toolBlocks[index] {
                toolCalls[position].arguments += delta?["partial_json"]?.stringValue ?? ""
            }
        case "thinking_delta":
            break
        default:
            return   // signature_delta and others carry no output
        }
        output(at: time)
    }

    private static let textDeltaHead = Array(#"{"type":"content_block_delta","index":"#.utf8)
    private static let textDeltaMiddle = Array(#","delta":{"type":"text_delta","text":""#.utf8)

    /// The text of a `content_block_delta` event whose delta is `text_delta`, written as Anthropic
    /// writes it (`{"type":"content_block_delta","index":N,"delta":{"type":"text_delta","text":"…"}}`);
    /// nil for anything else, which is then parsed whole. Returns the block's index and the text.
    static func textDelta(_ payload: [UInt8]) -> (Int, String)? {
        guard payload.starts(with: textDeltaHead) else { return nil }
        var index = textDeltaHead.count
        var block = 0
        while index < payload.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(payload[index]) {
            guard index - textDeltaHead.count < 9 else { return nil }
            block = block * 10 + Int(payload[index] - UInt8(ascii: "0"))
            index += 1
        }
        guard index > textDeltaHead.count, payload[index...].starts(with: textDeltaMiddle) else { return nil }
        let open = index + textDeltaMiddle.count - 1
        var close = open + 1
        var escaped = false
        while close < payload.count {
            if payload[close] == UInt8(ascii: "\\") { escaped = true; close += 2; continue }
            if payload[close] == UInt8(ascii: "\"") { break }
            close += 1
        }
        guard close + 3 == payload.count, payload[(close + 1)...].elementsEqual("}}".utf8) else { return nil }
        if !escaped { return (block, String(decoding: payload[(open + 1)..<close], as: UTF8.self)) }
        return (try? JSONParser.parse(payload[open...close]))?.stringValue.map { (block, $0) }
    }

    /// A delta for a content block that was never started: the stream is not one to trust (retried).
    private mutating func refuseDelta(_ index: Int?) {
        failure = .invalidResponse(status: 200, "content_block_delta for block \(index.map(String.init) ?? "without an index"), which was never started")
    }

    private mutating func output(at time: Double) {
        outputChunks += 1
        if let lastOutput { gaps.append(time - lastOutput) } else { firstOutput = time }
        lastOutput = time
    }

    /// Usage counts are cumulative: later values replace earlier ones, key by key, and a count
    /// never goes down (a smaller one is ignored).
    private mutating func merge(_ value: JSONValue?) {
        guard case .object(let fields)? = value else { return }
        for field in fields where field.value != .null {
            guard let index = usage.firstIndex(where: { $0.key == field.key }) else {
                usage.append(field)
                continue
            }
            if let old = usage[index].value.doubleValue, let new = field.value.doubleValue, new < old { continue }
            usage[index] = field
        }
    }
}
