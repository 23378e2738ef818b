/// One RESP2 value, as a Redis server answers: the five types of the protocol.
///
/// fanout speaks only what its fleet store needs (commands out as arrays of bulk strings, any reply
/// in); a full client (RediStack) would replace this folder, see CONTRIBUTING.md.
public enum RESPValue: Sendable, Hashable {
    case simpleString(String)
    /// An error reply (`-ERR …`, `-NOSCRIPT …`, `-WRONGPASS …`).
    case error(String)
    case integer(Int)
    /// A bulk string; nil is the null bulk string (`$-1`).
    case bulkString([UInt8]?)
    /// An array; nil is the null array (`*-1`).
    case array([RESPValue]?)

    /// The value as text: a simple or bulk string, or an integer's digits (nil otherwise).
    public var text: String? {
        switch self {
        case .simpleString(let string): string
        case .bulkString(let bytes?): String(decoding: bytes, as: UTF8.self)
        case .integer(let value): String(value)
        default: nil
        }
    }

    /// The value as a number: an integer, or a string holding one (Lua returns fractions as strings).
    public var number: Double? {
        if case .integer(let value) = self { return Double(value) }
        return text.flatMap(Double.init)
    }

    /// The elements of an array (nil for anything else, the null array included).
    public var elements: [RESPValue]? {
        if case .array(let values?) = self { return values }
        return nil
    }

    /// The message of an error reply.
    public var errorMessage: String? {
        if case .error(let message) = self { return message }
        return nil
    }
}
