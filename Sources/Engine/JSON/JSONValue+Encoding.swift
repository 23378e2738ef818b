extension JSONValue {
    /// The compact JSON text of this value (no spaces, no newlines), as UTF-8 bytes.
    public var encodedBytes: [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(128)
        encode(into: &out)
        return out
    }

    /// The compact JSON text of this value.
    public var encodedString: String { String(decoding: encodedBytes, as: UTF8.self) }

    /// Appends the compact JSON text of this value to `out`.
    public func encode(into out: inout [UInt8]) {
        switch self {
        case .null: out.append(contentsOf: [0x6E, 0x75, 0x6C, 0x6C])
        case .bool(let value): out.append(contentsOf: value ? Array("true".utf8) : Array("false".utf8))
        case .number(let text): out.append(contentsOf: text.utf8)
        case .string(let text): JSONValue.encodeString(text, into: &out)
        case .array(let items):
            out.append(UInt8(ascii: "["))
            for (position, item) in items.enumerated() {
                if position > 0 { out.append(UInt8(ascii: ",")) }
                item.encode(into: &out)
            }
            out.append(UInt8(ascii: "]"))
        case .object(let fields):
            out.append(UInt8(ascii: "{"))
            for (position, field) in fields.enumerated() {
                if position > 0 { out.append(UInt8(ascii: ",")) }
                JSONValue.encodeString(field.key, into: &out)
                out.append(UInt8(ascii: ":"))
                field.value.encode(into: &out)
            }
            out.append(UInt8(ascii: "}"))
        }
    }

    /// Appends `text` as a JSON string literal; newlines and other control characters are escaped,
    /// so the result never spans two lines of a JSONL file. C1 controls (U+0080–U+009F), the line
    /// and paragraph separators and the bidirectional controls are escaped as `\uXXXX` too: JSON
    /// allows them raw, but a terminal `cat`ing the file would act on them.
    public static func encodeString(_ text: String, into out: inout [UInt8]) {
        var text = text
        text.withUTF8 { bytes in
            out.append(UInt8(ascii: "\""))
            // Runs of bytes that need nothing are copied whole; only what needs escaping is looked at.
            var runStart = 0
            var index = 0
            while index < bytes.count {
                let byte = bytes[index]
                if byte >= 0x20 && byte != 0x22 && byte != 0x5C && byte < 0xC2 {
                    index += 1
                    continue
                }
                var escaped: (scalar: UInt32, length: Int)?
                if byte >= 0xC2 {
                    guard let found = unsafeScalar(bytes, at: index) else {
                        index += 1
                        continue
                    }
                    escaped = found
                }
                out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<index]))
                if let escaped {
                    appendEscape(escaped.scalar, into: &out)
                    index += escaped.length
                } else {
                    switch byte {
                    case UInt8(ascii: "\""): out.append(contentsOf: [0x5C, 0x22])
                    case UInt8(ascii: "\\"): out.append(contentsOf: [0x5C, 0x5C])
                    case 0x0A: out.append(contentsOf: [0x5C, UInt8(ascii: "n")])
                    case 0x0D: out.append(contentsOf: [0x5C, UInt8(ascii: "r")])
                    case 0x09: out.append(contentsOf: [0x5C, UInt8(ascii: "t")])
                    default: appendEscape(UInt32(byte), into: &out)
                    }
                    index += 1
                }
                runStart = index
            }
            out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<bytes.count]))
            out.append(UInt8(ascii: "\""))
        }
    }

    /// The character at `start` when it is one to escape beyond ASCII (C1, U+061C, U+200E/F,
    /// U+2028/9, U+202A–E, U+2066–9), with its UTF-8 length.
    private static func unsafeScalar(_ bytes: UnsafeBufferPointer<UInt8>, at start: Int) -> (UInt32, Int)? {
        let lead = bytes[start]
        if lead == 0xC2, start + 1 < bytes.count, (0x80...0x9F).contains(bytes[start + 1]) {
            return (UInt32(bytes[start + 1]), 2)
        }
        if lead == 0xD8, start + 1 < bytes.count, bytes[start + 1] == 0x9C { return (0x061C, 2) }
        guard lead == 0xE2, start + 2 < bytes.count else { return nil }
        let scalar = 0x2000 | (UInt32(bytes[start + 1] & 0x3F) << 6) | UInt32(bytes[start + 2] & 0x3F)
        guard bytes[start + 1] == 0x80 || bytes[start + 1] == 0x81 else { return nil }
        switch scalar {
        case 0x200E, 0x200F, 0x2028, 0x2029, 0x202A...0x202E, 0x2066...0x2069: return (scalar, 3)
        default: return nil
        }
    }

    private static func appendEscape(_ scalar: UInt32, into out: inout [UInt8]) {
        let hex = Array("0123456789abcdef".utf8)
        out.append(contentsOf: [0x5C, UInt8(ascii: "u")])
        for shift in stride(from: 12, through: 0, by: -4) { out.append(hex[Int((scalar >> UInt32(shift)) & 0xF)]) }
    }
}
