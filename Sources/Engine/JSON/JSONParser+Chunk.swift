/// What fanout needs of one streamed chunk (`chat.completion.chunk` or a completion chunk).
struct ChunkParts {
    /// `choices[0].delta.content`, else `choices[0].text`, when a string.
    var piece: String?
    /// `choices[0].delta` carries reasoning text or a tool call (output that is not content).
    var otherOutput = false
    var usage: JSONValue?
    /// A top-level `error` (a stream that ends with an error event).
    var error: JSONValue?
    /// `choices[0].finish_reason`, when a string.
    var finishReason: String?
    /// `choices[0].delta.tool_calls`: pieces of tool calls, by index.
    var toolCalls: [JSONValue] = []
    /// `choices[0].delta.refusal`, when a string.
    var refusal: String?
    /// `choices[0].logprobs.content`: this chunk's token log probabilities.
    var logprobs: [JSONValue] = []
    /// The chunk's other top-level fields (`id`, `model`, `created`, `system_fingerprint`, a
    /// server's own like llama.cpp's `timings`): scalars only when not among `known`, objects always.
    var fields: [JSONField] = []
}

extension JSONParser {
    /// The parts of a stream chunk, found in one pass that builds no tree for the rest (the
    /// streaming counterpart of `completionParts`). Nil when the chunk is not one valid JSON object.
    /// - Parameter known: top-level fields already kept from earlier chunks (a scalar is kept once).
    static func chunkParts(_ bytes: UnsafeBufferPointer<UInt8>, known: Set<String> = []) -> ChunkParts? {
        var parser = JSONParser(bytes)
        return try? parser.scanChunk(known: known)
    }

    private mutating func scanChunk(known: Set<String>) throws(JSONParseError) -> ChunkParts {
        var parts = ChunkParts()
        skipWhitespace()
        try open(UInt8(ascii: "{"), depth: 0)
        var started = false
        while let key = try nextKey(&started) {
            switch key {
            case "usage": parts.usage = try parseValue(depth: 1)
            case "error": parts.error = try parseValue(depth: 1)
            case "choices" where peek == UInt8(ascii: "["):
                try firstChoice { parser throws(JSONParseError) in try parser.scanChunkChoice(&parts) }
            case "object": try skipValue(depth: 1)
            case let key where peek == UInt8(ascii: "{") || !known.contains(key):
                parts.fields.append(JSONField(key, try parseValue(depth: 1)))
            default: try skipValue(depth: 1)
            }
        }
        skipWhitespace()
        guard index == bytes.count else { throw JSONParseError("unexpected text after the JSON value", at: index) }
        return parts
    }

    /// `choices[0]`: its `text`, and its `delta` (content, reasoning, tool calls).
    private mutating func scanChunkChoice(_ parts: inout ChunkParts) throws(JSONParseError) {
        try open(UInt8(ascii: "{"), depth: 2)
        var started = false
        var text: String?
        while let key = try nextKey(&started) {
            switch key {
            case "text" where peek == UInt8(ascii: "\""): text = try parseString()
            case "finish_reason" where peek == UInt8(ascii: "\""): parts.finishReason = try parseString()
            case "logprobs" where peek == UInt8(ascii: "{"):
                if case .array(let content)? = try parseValue(depth: 3)["content"] { parts.logprobs = content }
            case "delta" where peek == UInt8(ascii: "{"):
                try open(UInt8(ascii: "{"), depth: 3)
                var startedDelta = false
                while let key = try nextKey(&startedDelta) {
                    switch key {
                    case "content" where peek == UInt8(ascii: "\""): parts.piece = try parseString()
                    case "reasoning_content" where peek == UInt8(ascii: "\""), "reasoning" where peek == UInt8(ascii: "\""):
                        if try !parseString().isEmpty { parts.otherOutput = true }
                    case "tool_calls" where peek == UInt8(ascii: "["):
                        if case .array(let calls) = try parseValue(depth: 4), !calls.isEmpty {
                            parts.otherOutput = true
                            parts.toolCalls = calls
                        }
                    case "refusal" where peek == UInt8(ascii: "\""):
                        let refusal = try parseString()
                        if !refusal.isEmpty {
                            parts.refusal = refusal
                            parts.otherOutput = true
                        }
                    default: try skipValue(depth: 4)
                    }
                }
            default: try skipValue(depth: 3)
            }
        }
        if parts.piece == nil { parts.piece = text }
    }
}
