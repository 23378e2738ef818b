/// One extra HTTP header of an endpoint.
public struct HeaderField: Sendable, Hashable {
    public var name: String
    public var value: String

    public init(_ name: String, _ value: String) {
        self.name = name
        self.value = value
    }

    /// Whether `value` can travel in a header: visible ASCII, spaces and tabs inside, no line break or
    /// other control character (one would end the header, and every request would fail).
    public static func canCarry(_ value: String) -> Bool {
        value.utf8.allSatisfy { ($0 >= 0x20 && $0 < 0x7F) || $0 == 0x09 }
    }

    /// Whether `name` is a header name (an RFC 9110 token).
    public static func isName(_ name: String) -> Bool {
        !name.isEmpty && name.utf8.allSatisfy { byte in
            (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z")) || (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z"))
                || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")) || "!#$%&'*+-.^_`|~".utf8.contains(byte)
        }
    }

    /// The key held in the variable `variable`, refused (naming the variable, never the value) when a
    /// header cannot carry it; nil when unset or empty.
    public static func key(in variable: String, environment: [String: String]) throws(EngineError) -> String? {
        guard let value = environment[variable], !value.isEmpty else { return nil }
        guard value.isVisibleASCII else {
            throw .configuration("the API key in $\(variable) holds a character an HTTP header cannot carry (a line break, a space, a control character or non-ASCII text); set it again without them")
        }
        return value
    }
}
