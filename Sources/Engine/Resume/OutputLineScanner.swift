/// Finds the few fields a resumed run needs in the lines of a save or errors file, streaming, so a
/// line of any length (a 40 MiB answer, a prompt echoed whole) is read without being held.
///
/// Only the top-level `id`, `custom_id`, `attempts`, `line`, `line_fingerprint` and `cost_usd`, `code` and
/// `message` inside a top-level `error` object, and `model` and the token counts of `response.body`'s
/// (or, Message Batches output, `result.message`'s) `usage`, are kept; every other value is skipped byte by byte.
/// A line ends at each newline, whatever state a malformed line left the scanner in.
struct OutputLineScanner {
    /// The fields of one line, as raw JSON tokens (strings without their quotes, escapes intact).
    struct Fields: Equatable {
        var id: [UInt8]?
        var customID: [UInt8]?
        var attempts: [UInt8]?
        var line: [UInt8]?
        var errorCode: [UInt8]?
        var errorMessage: [UInt8]?
        var fingerprint: [UInt8]?
        var cost: [UInt8]?
        /// `response.body.model` and its `usage` counts, by key (Batch output).
        var model: [UInt8]?
        var usage: [String: [UInt8]] = [:]
    }

    private enum Field: Equatable { case id, customID, attempts, line, error, errorCode, errorMessage, fingerprint, cost, model, usage(String) }

    /// The token counts read from a Batch line's `response.body.usage`.
    static let usageKeys: Set<String> = ["prompt_tokens", "completion_tokens", "input_tokens", "output_tokens",
                                         "cache_read_input_tokens", "cache_creation_input_tokens"]

    /// Longest kept value of a field other than the ids (a message needs only its `line N:` start).
    static let shortFieldLimit = 256

    private var containers: [Bool] = []   // true: object
    private var expectsKey = false
    private var inString = false
    private var escaped = false
    private var stringIsKey = false
    private var key: [UInt8] = []
    private var pendingField: Field?
    private var capturing: Field?
    private var captured: [UInt8] = []
    private var inErrorObject = false
    /// Which key each open container is the value of, as far as the usage capture cares (`other` for
    /// the root, array items and every other key): tags, so opening a container copies no bytes.
    private var path: [PathStep] = []
    private var fields = Fields()
    private var broken = false

    /// Feeds bytes; calls `line` with the fields of each line that ends in them.
    mutating func feed(_ bytes: UnsafeRawBufferPointer, line: (Fields) -> Void) {
        for byte in bytes {
            if byte == 0x0A {
                endScalar()
                if !broken { line(fields) }
                self = OutputLineScanner()
                continue
            }
            if inString {
                stringByte(byte)
            } else {
                structuralByte(byte)
            }
        }
    }

    private mutating func stringByte(_ byte: UInt8) {
        if escaped {
            escaped = false
        } else if byte == UInt8(ascii: "\\") {
            escaped = true
        } else if byte == UInt8(ascii: "\"") {
            inString = false
            if stringIsKey {
                pendingField = field(named: key)
            } else {
                finishCapture()
            }
            return
        }
        if stringIsKey {
            if key.count <= 40 { key.append(byte) }
        } else if capturing != nil {
            keep(byte)
        }
    }

    private mutating func structuralByte(_ byte: UInt8) {
        switch byte {
        case UInt8(ascii: "\""):
            endScalar()
            inString = true
            stringIsKey = containers.last == true && expectsKey
            if stringIsKey {
                key.removeAll(keepingCapacity: true)
            } else {
                beginValue()
            }
        case UInt8(ascii: "{"), UInt8(ascii: "["):
            endScalar()
            let isObject = byte == UInt8(ascii: "{")
            if isObject && containers.count == 1 && pendingField == .error { inErrorObject = true }
            pendingField = nil
            path.append(containers.last == true && containers.count <= 4 ? PathStep(key) : .other)
            containers.append(isObject)
            expectsKey = isObject
        case UInt8(ascii: "}"), UInt8(ascii: "]"):
            endScalar()
            guard !containers.isEmpty else { broken = true; return }
            containers.removeLast()
            if !path.isEmpty { path.removeLast() }
            if containers.count < 2 { inErrorObject = false }
            expectsKey = false
        case UInt8(ascii: ":"):
            expectsKey = false
        case UInt8(ascii: ","):
            endScalar()
            pendingField = nil
            expectsKey = containers.last == true
        case 0x20, 0x09, 0x0D:
            endScalar()
        default:
            if capturing == nil { beginValue() }
            if capturing != nil { keep(byte) }
        }
    }

    /// A value starts: capture it when its key is one we want.
    private mutating func beginValue() {
        captured.removeAll(keepingCapacity: true)
        capturing = pendingField == .error ? nil : pendingField
        pendingField = nil
    }

    private mutating func keep(_ byte: UInt8) {
        let unbounded = capturing == .id || capturing == .customID
        if unbounded || captured.count < Self.shortFieldLimit { captured.append(byte) }
    }

    /// The end of a bare value (number, true, false, null).
    private mutating func endScalar() {
        if capturing != nil, !inString { finishCapture() }
    }

    private mutating func finishCapture() {
        guard let field = capturing else { return }
        capturing = nil
        switch field {
        case .id: fields.id = captured
        case .customID: fields.customID = captured
        case .attempts: fields.attempts = captured
        case .line: fields.line = captured
        case .errorCode: fields.errorCode = captured
        case .errorMessage: fields.errorMessage = captured
        case .fingerprint: fields.fingerprint = captured
        case .cost: fields.cost = captured
        case .model: fields.model = captured
        case .usage(let name): fields.usage[name] = captured
        case .error: break
        }
    }

    private func field(named key: [UInt8]) -> Field? {
        if containers.count == 1 {
            switch key {
            case Array("id".utf8): return .id
            case Array("custom_id".utf8): return .customID
            case Array("attempts".utf8): return .attempts
            case Array("line".utf8): return .line
            case Array("error".utf8): return .error
            case Array(OutputRecord.fingerprintKey.utf8): return .fingerprint
            case Array(OutputRecord.costKey.utf8): return .cost
            default: return nil
            }
        }
        if containers.count >= 3, path.count == containers.count,
           (path[1] == .response && path[2] == .body) || (path[1] == .result && path[2] == .message) {
            return bodyField(named: key)
        }
        guard containers.count == 2, inErrorObject else { return nil }
        switch key {
        case Array("code".utf8): return .errorCode
        case Array("message".utf8): return .errorMessage
        default: return nil
        }
    }
}

extension OutputLineScanner {
    /// The keys on the way to a Batch line's usage.
    enum PathStep {
        case response, body, result, message, usage, details, other

        private static let names: [(String, PathStep)] = [("response", .response), ("body", .body), ("result", .result),
                                                          ("message", .message), ("usage", .usage), ("prompt_tokens_details", .details)]

        init(_ key: [UInt8]) {
            self = Self.names.first { key.elementsEqual($0.0.utf8) }?.1 ?? .other
        }
    }

    /// A key inside a Batch line's `response.body`: its `model`, its `usage` counts, and
    /// `usage.prompt_tokens_details.cached_tokens`.
    private func bodyField(named key: [UInt8]) -> Field? {
        switch containers.count {
        case 3: return key == Array("model".utf8) ? .model : nil
        case 4:
            guard path[3] == .usage else { return nil }
            let name = String(decoding: key, as: UTF8.self)
            return Self.usageKeys.contains(name) ? .usage(name) : nil
        case 5:
            guard path[3] == .usage, path[4] == .details, key == Array("cached_tokens".utf8) else { return nil }
            return .usage("cached_tokens")
        default: return nil
        }
    }
}

extension OutputLineScanner.Fields {
    /// The record's id: a Batch line's `custom_id` (its `id` is the line's own), else `id`.
    var recordID: String? { (customID ?? id).flatMap(Self.text) }

    /// The input line of a record written without being sent (a bad line or a repeated id), else nil.
    ///
    /// fanout's lines say so with `attempts: 0` and their `line`; Batch lines with the error code
    /// `invalid_request_line` and a message that starts `line N:`.
    var refusedLine: Int? {
        if let attempts, attempts == Array("0".utf8), let line, let number = Int(String(decoding: line, as: UTF8.self)) {
            return number
        }
        guard let errorCode, errorCode == Array(ErrorKind.badInput.code.utf8), let message = errorMessage.flatMap(Self.text),
              message.hasPrefix("line ") else { return nil }
        return Int(message.dropFirst(5).prefix { $0.isNumber })
    }

    /// A string token's text (escapes decoded); a number token's text as it is.
    static func text(_ token: [UInt8]) -> String? {
        guard token.contains(UInt8(ascii: "\\")) else { return String(decoding: token, as: UTF8.self) }
        return (try? JSONParser.parse([UInt8(ascii: "\"")] + token + [UInt8(ascii: "\"")]))?.stringValue
    }
}
