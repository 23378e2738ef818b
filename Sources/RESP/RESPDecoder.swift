import NIOCore

/// Reads RESP2 replies out of bytes that may arrive split anywhere.
///
/// `decode` returns nil until a whole value is there and consumes nothing until then; a reply that
/// breaks the protocol (an unknown type byte, a bad length, too deep or too large) throws, and the
/// connection is closed. Sizes are bounded so a hostile server cannot make fanout hold gigabytes.
public enum RESPDecoder {
    /// The largest bulk string taken, bytes.
    public static let maxBulkLength = 16 << 20
    /// The most elements an array may have.
    public static let maxArrayCount = 1 << 20
    /// How deep arrays may nest.
    public static let maxDepth = 8
    /// The longest simple line (status, error, integer, length).
    public static let maxLineLength = 64 << 10

    /// The next whole value at the front of `buffer` (consumed), or nil when more bytes are needed.
    public static func decode(_ buffer: inout ByteBuffer) throws(RESPError) -> RESPValue? {
        let view = buffer.readableBytesView
        var index = view.startIndex
        guard let value = try value(in: view, at: &index, depth: 0) else { return nil }
        buffer.moveReaderIndex(forwardBy: index - view.startIndex)
        return value
    }

    private static func value(in view: ByteBufferView, at index: inout Int, depth: Int) throws(RESPError) -> RESPValue? {
        guard index < view.endIndex else { return nil }
        let type = view[index]
        var cursor = index + 1
        guard let line = try line(in: view, at: &cursor) else { return nil }
        let result: RESPValue
        switch type {
        case UInt8(ascii: "+"): result = .simpleString(String(decoding: line, as: UTF8.self))
        case UInt8(ascii: "-"): result = .error(String(decoding: line, as: UTF8.self))
        case UInt8(ascii: ":"): result = .integer(try integer(line))
        case UInt8(ascii: "$"):
            let length = try integer(line)
            if length == -1 { result = .bulkString(nil); break }
            guard (0...maxBulkLength).contains(length) else { throw .protocolViolation("a bulk string of \(length) bytes") }
            guard view.endIndex - cursor >= length + 2 else { return nil }
            guard view[cursor + length] == 13, view[cursor + length + 1] == 10 else { throw .protocolViolation("a bulk string not ended by CRLF") }
            result = .bulkString(Array(view[cursor..<(cursor + length)]))
            cursor += length + 2
        case UInt8(ascii: "*"):
            let count = try integer(line)
            if count == -1 { result = .array(nil); break }
            guard (0...maxArrayCount).contains(count) else { throw .protocolViolation("an array of \(count) elements") }
            guard depth < maxDepth else { throw .protocolViolation("arrays nested deeper than \(maxDepth)") }
            var elements: [RESPValue] = []
            elements.reserveCapacity(min(count, 1024))
            for _ in 0..<count {
                guard let element = try value(in: view, at: &cursor, depth: depth + 1) else { return nil }
                elements.append(element)
            }
            result = .array(elements)
        default:
            throw .protocolViolation("a reply starting with byte \(type)")
        }
        index = cursor
        return result
    }

    /// The bytes up to the next CRLF (the cursor moved past it), or nil when it has not arrived.
    private static func line(in view: ByteBufferView, at cursor: inout Int) throws(RESPError) -> ByteBufferView.SubSequence? {
        var end = cursor
        while end + 1 < view.endIndex {
            if view[end] == 13 && view[end + 1] == 10 {
                let line = view[cursor..<end]
                cursor = end + 2
                return line
            }
            end += 1
            if end - cursor > maxLineLength { throw .protocolViolation("a line longer than \(maxLineLength) bytes") }
        }
        if view.endIndex - cursor > maxLineLength { throw .protocolViolation("a line longer than \(maxLineLength) bytes") }
        return nil
    }

    private static func integer(_ line: ByteBufferView.SubSequence) throws(RESPError) -> Int {
        guard line.count <= 20, let value = Int(String(decoding: line, as: UTF8.self)) else {
            throw .protocolViolation("a number that is not one")
        }
        return value
    }
}
