/// What fanout keeps of a completion body: the text, the usage, and what says how the answer ended
/// or what else it carried (`finish_reason`, a refusal, log probabilities, tool calls).
public struct CompletionParts: Sendable, Hashable {
    /// `choices[0].message.content`.
    public var content: JSONValue?
    /// `choices[0].text` (legacy completions).
    public var text: JSONValue?
    public var usage: JSONValue?
    /// `choices[0].finish_reason`.
    public var finishReason: JSONValue?
    /// `choices[0].message.refusal`.
    public var refusal: JSONValue?
    /// `choices[0].logprobs`.
    public var logprobs: JSONValue?
    /// `choices[0].message.tool_calls`.
    public var toolCalls: JSONValue?
}

extension JSONParser {
    /// The parts of a completion body fanout keeps, found by one pass that builds no tree for the
    /// rest. Nil when the body is not one valid JSON object (the caller then reports it as invalid).
    public static func completionParts(_ bytes: [UInt8]) -> CompletionParts? {
        bytes.withUnsafeBufferPointer { buffer in
            var parser = JSONParser(buffer)
            return try? parser.scanCompletion()
        }
    }

    fileprivate mutating func scanCompletion() throws(JSONParseError) -> CompletionParts {
        var parts = CompletionParts()
        skipWhitespace()
        try open(UInt8(ascii: "{"), depth: 0)
        var started = false
        while let key = try nextKey(&started) {
            switch key {
            case "usage":
                parts.usage = try parseValue(depth: 1)
            case "choices" where peek == UInt8(ascii: "["):
                try firstChoice { parser throws(JSONParseError) in try parser.scanChoice(&parts) }
            default:
                try skipValue(depth: 1)
            }
        }
        skipWhitespace()
        guard index == bytes.count else { throw JSONParseError("unexpected text after the JSON value", at: index) }
        return parts
    }

    /// `choices[0]`: its `text`, `finish_reason`, `logprobs`, and its message's content, refusal and tool calls.
    private mutating func scanChoice(_ parts: inout CompletionParts) throws(JSONParseError) {
        try open(UInt8(ascii: "{"), depth: 2)
        var started = false
        while let key = try nextKey(&started) {
            switch key {
            case "text": parts.text = try parseValue(depth: 3)
            case "finish_reason": parts.finishReason = try parseValue(depth: 3)
            case "logprobs": parts.logprobs = try parseValue(depth: 3)
            case "message" where peek == UInt8(ascii: "{"):
                try open(UInt8(ascii: "{"), depth: 3)
                var startedMessage = false
                while let key = try nextKey(&startedMessage) {
                    switch key {
                    case "content": parts.content = try parseValue(depth: 4)
                    case "refusal": parts.refusal = try parseValue(depth: 4)
                    case "tool_calls": parts.toolCalls = try parseValue(depth: 4)
                    default: try skipValue(depth: 4)
                    }
                }
            default:
                try skipValue(depth: 3)
            }
        }
    }

    var peek: UInt8? { index < bytes.count ? bytes[index] : nil }

    /// Passes over a `choices` array, handing its first element, when an object, to `scan` and
    /// skipping the rest.
    mutating func firstChoice(_ scan: (inout JSONParser) throws(JSONParseError) -> Void) throws(JSONParseError) {
        try open(UInt8(ascii: "["), depth: 1)
        var started = false
        var first = true
        while try nextElement(&started) {
            guard first, peek == UInt8(ascii: "{") else { try skipValue(depth: 2); continue }
            first = false
            try scan(&self)
        }
    }

    /// Consumes the `{` or `[` that opens a container at `depth`.
    mutating func open(_ bracket: UInt8, depth: Int) throws(JSONParseError) {
        guard depth < Self.maxDepth else { throw JSONParseError("nesting deeper than \(Self.maxDepth)", at: index) }
        guard peek == bracket else {
            throw JSONParseError(bracket == UInt8(ascii: "{") ? "expected an object" : "expected an array", at: index)
        }
        index += 1
    }

    /// Moves to an object's next member and returns its key, the parser positioned at the value
    /// (which the caller must consume); nil once the closing `}` is consumed.
    mutating func nextKey(_ started: inout Bool) throws(JSONParseError) -> String? {
        guard try nextMember(&started, close: UInt8(ascii: "}")) else { return nil }
        guard peek == UInt8(ascii: "\"") else { throw JSONParseError("expected a key", at: index) }
        let key = try parseString()
        skipWhitespace()
        guard peek == UInt8(ascii: ":") else { throw JSONParseError("expected ':'", at: index) }
        index += 1
        skipWhitespace()
        return key
    }

    /// Moves to an array's next element (which the caller must consume); false once the closing `]`
    /// is consumed.
    mutating func nextElement(_ started: inout Bool) throws(JSONParseError) -> Bool {
        try nextMember(&started, close: UInt8(ascii: "]"))
    }

    private mutating func nextMember(_ started: inout Bool, close: UInt8) throws(JSONParseError) -> Bool {
        skipWhitespace()
        if !started {
            started = true
            if peek == close { index += 1; return false }
            return true
        }
        guard let next = peek else { throw JSONParseError("unexpected end of input", at: index) }
        index += 1
        if next == close { return false }
        guard next == UInt8(ascii: ",") else {
            throw JSONParseError(close == UInt8(ascii: "}") ? "expected ',' or '}'" : "expected ',' or ']'", at: index - 1)
        }
        skipWhitespace()
        return true
    }

    /// Checks and passes over one value without building it.
    mutating func skipValue(depth: Int) throws(JSONParseError) {
        var started = false
        switch peek {
        case UInt8(ascii: "{")?:
            try open(UInt8(ascii: "{"), depth: depth + 1)
            while try nextKey(&started) != nil { try skipValue(depth: depth + 1) }
        case UInt8(ascii: "[")?:
            try open(UInt8(ascii: "["), depth: depth + 1)
            while try nextElement(&started) { try skipValue(depth: depth + 1) }
        case UInt8(ascii: "\"")?: try skipString()
        default: _ = try parseValue(depth: depth)
        }
    }

    /// Passes over a string, checking its escapes and control characters (not its UTF-8).
    fileprivate mutating func skipString() throws(JSONParseError) {
        let start = index
        index += 1
        while index < bytes.count {
            switch bytes[index] {
            case UInt8(ascii: "\""):
                index += 1
                return
            case UInt8(ascii: "\\"):
                index += 2
            case 0..<0x20:
                throw JSONParseError("control character in a string", at: index)
            default:
                index += 1
            }
        }
        throw JSONParseError("unterminated string", at: start)
    }
}
