extension JSONParser {
    /// The parts of a completion body fanout keeps, found by one pass that builds no tree for the
    /// rest: `choices[0].message.content`, `choices[0].text` and `usage`. Nil when the body is not
    /// one valid JSON object (the caller then reports it as invalid).
    public static func completionParts(_ bytes: [UInt8]) -> (content: JSONValue?, text: JSONValue?, usage: JSONValue?)? {
        bytes.withUnsafeBufferPointer { buffer in
            var parser = JSONParser(buffer)
            return try? parser.scanCompletion()
        }
    }

    fileprivate mutating func scanCompletion() throws(JSONParseError) -> (content: JSONValue?, text: JSONValue?, usage: JSONValue?) {
        var content: JSONValue?
        var text: JSONValue?
        var usage: JSONValue?
        skipWhitespace()
        try forEachField(depth: 0) { parser, key throws(JSONParseError) in
            switch key {
            case "usage":
                usage = try parser.parseValue(depth: 1)
            case "choices":
                guard parser.peek == UInt8(ascii: "[") else { try parser.skipValue(depth: 1); return }
                var first = true
                try parser.forEachElement(depth: 1) { parser throws(JSONParseError) in
                    guard first, parser.peek == UInt8(ascii: "{") else { try parser.skipValue(depth: 2); return }
                    first = false
                    try parser.forEachField(depth: 2) { parser, key throws(JSONParseError) in
                        switch key {
                        case "text": text = try parser.parseValue(depth: 3)
                        case "message":
                            guard parser.peek == UInt8(ascii: "{") else { try parser.skipValue(depth: 3); return }
                            try parser.forEachField(depth: 3) { parser, key throws(JSONParseError) in
                                if key == "content" { content = try parser.parseValue(depth: 4) } else { try parser.skipValue(depth: 4) }
                            }
                        default: try parser.skipValue(depth: 3)
                        }
                    }
                }
            default:
                try parser.skipValue(depth: 1)
            }
        }
        skipWhitespace()
        guard index == bytes.count else { throw JSONParseError("unexpected text after the JSON value", at: index) }
        return (content, text, usage)
    }

    fileprivate var peek: UInt8? { index < bytes.count ? bytes[index] : nil }

    /// Walks an object, calling `body` with the parser positioned at each value (which it must consume).
    fileprivate mutating func forEachField(depth: Int, _ body: (inout JSONParser, String) throws(JSONParseError) -> Void) throws(JSONParseError) {
        guard depth < Self.maxDepth else { throw JSONParseError("nesting deeper than \(Self.maxDepth)", at: index) }
        guard peek == UInt8(ascii: "{") else { throw JSONParseError("expected an object", at: index) }
        index += 1
        skipWhitespace()
        if peek == UInt8(ascii: "}") { index += 1; return }
        while true {
            skipWhitespace()
            guard peek == UInt8(ascii: "\"") else { throw JSONParseError("expected a key", at: index) }
            let key = try parseString()
            skipWhitespace()
            guard peek == UInt8(ascii: ":") else { throw JSONParseError("expected ':'", at: index) }
            index += 1
            skipWhitespace()
            try body(&self, key)
            skipWhitespace()
            guard let next = peek else { throw JSONParseError("unexpected end of input", at: index) }
            index += 1
            if next == UInt8(ascii: ",") { continue }
            if next == UInt8(ascii: "}") { return }
            throw JSONParseError("expected ',' or '}'", at: index - 1)
        }
    }

    /// Walks an array, calling `body` with the parser positioned at each element (which it must consume).
    fileprivate mutating func forEachElement(depth: Int, _ body: (inout JSONParser) throws(JSONParseError) -> Void) throws(JSONParseError) {
        guard depth < Self.maxDepth else { throw JSONParseError("nesting deeper than \(Self.maxDepth)", at: index) }
        index += 1
        skipWhitespace()
        if peek == UInt8(ascii: "]") { index += 1; return }
        while true {
            skipWhitespace()
            try body(&self)
            skipWhitespace()
            guard let next = peek else { throw JSONParseError("unexpected end of input", at: index) }
            index += 1
            if next == UInt8(ascii: ",") { continue }
            if next == UInt8(ascii: "]") { return }
            throw JSONParseError("expected ',' or ']'", at: index - 1)
        }
    }

    /// Checks and passes over one value without building it.
    fileprivate mutating func skipValue(depth: Int) throws(JSONParseError) {
        switch peek {
        case UInt8(ascii: "{")?: try forEachField(depth: depth + 1) { parser, _ throws(JSONParseError) in try parser.skipValue(depth: depth + 1) }
        case UInt8(ascii: "[")?: try forEachElement(depth: depth + 1) { parser throws(JSONParseError) in try parser.skipValue(depth: depth + 1) }
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
