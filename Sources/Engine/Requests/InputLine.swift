/// Classifies one input line as a seed prompt, a chat body, a Batch API line, or a bad line.
public enum InputLine {
    /// Bytes of a line beyond which it is refused (and reported) rather than parsed.
    public static let defaultMaxLineBytes = 32 * 1024 * 1024

    /// Turns one non-blank line into a record or a bad line; never throws.
    ///
    /// - Parameters:
    ///   - bytes: the line without its newline (a trailing `\r` is tolerated).
    ///   - line: the 1-based physical line number, which is also the id when the line names none.
    public static func classify<Bytes: Collection<UInt8>>(_ bytes: Bytes, line: Int, defaults: RequestDefaults) -> SourceItem {
        classify(bytes, line: line, defaults: defaults, fingerprint: LineFingerprint.of(bytes))
    }

    private static func classify<Bytes: Collection<UInt8>>(_ bytes: Bytes, line: Int, defaults: RequestDefaults, fingerprint: UInt64) -> SourceItem {
        let fallbackID = String(line)
        let value: JSONValue
        do {
            value = try JSONParser.parse(bytes)
        } catch {
            return .bad(BadLine(id: fallbackID, line: line, raw: rawText(bytes), reason: "not valid JSON (\(error))", namedID: false, fingerprint: fingerprint))
        }
        guard case .object = value else {
            return .bad(BadLine(id: fallbackID, line: line, raw: rawText(bytes), reason: "not a JSON object", namedID: false, fingerprint: fingerprint))
        }
        let named = recordID(value)
        let id = named ?? fallbackID
        let namedID = named != nil
        let metadata = value["metadata"]
        func bad(_ reason: String) -> SourceItem {
            .bad(BadLine(id: id, line: line, raw: rawText(bytes), reason: reason, namedID: namedID, fingerprint: fingerprint))
        }

        if value["error"] != nil, value["attempts"] == 0 {
            return bad("this is the error record of a bad input line; correct the original line instead")
        }
        if let input = value["input"], value["messages"] == nil, value["body"] == nil {
            if case .object = input {
                // An errors-file line fed back: `input` holds the body that was sent, `url` its Batch path.
                let filled = defaults.filling(input)
                let form: RequestRecord.Form = input["messages"] != nil && value["url"] == nil ? .chat : .batch
                guard case .success(let path) = batchPath(value["url"]) else { return bad(Problem.badURL.reason) }
                return .record(RequestRecord(id: id, line: line, form: form, input: filled, body: filled,
                                             path: path, metadata: metadata, namedID: namedID, fingerprint: fingerprint))
            }
            guard case .string(let prompt) = input else { return bad("\"input\" must be a string or a request body") }
            return .record(RequestRecord(id: id, line: line, form: .seed, input: input,
                                         body: defaults.seedBody(prompt: prompt), metadata: metadata, namedID: namedID, fingerprint: fingerprint))
        }
        if let messages = value["messages"] {
            guard case .array = messages else { return bad("\"messages\" must be an array") }
            let dialect = APIDialect.of(body: value)
            var body = value
            // Anthropic's `metadata` (`user_id`) belongs to the request; fanout's is passed through.
            for key in ["custom_id", "id"] + (dialect == .anthropic ? [] : ["metadata"]) { body = body.removing(key) }
            body = defaults.filling(body)
            var record = RequestRecord(id: id, line: line, form: .chat, input: body, body: body, metadata: dialect == .anthropic ? nil : metadata,
                                       namedID: namedID, fingerprint: fingerprint)
            record.dialect = dialect
            return .record(record)
        }
        if let params = value["params"], value["custom_id"] != nil {
            guard params.isObject, case .array? = params["messages"] else { return bad("\"params\" must be a Messages request body with \"messages\"") }
            let filled = defaults.filling(params)
            var record = RequestRecord(id: id, line: line, form: .messageBatch, input: filled, body: filled, namedID: namedID, fingerprint: fingerprint)
            record.dialect = .anthropic
            return .record(record)
        }
        if let body = value["body"] {
            guard body.isObject else { return bad("\"body\" must be a JSON object") }
            let path: String?
            switch batchPath(value["url"]) {
            case .success(let checked): path = checked
            case .failure(let problem): return bad(problem.reason)
            }
            if let method = value["method"], method.stringValue?.uppercased() != "POST" {
                return bad("\"method\" must be POST")
            }
            let filled = defaults.filling(body)
            return .record(RequestRecord(id: id, line: line, form: .batch, input: filled, body: filled, path: path,
                                         metadata: metadata, namedID: namedID, fingerprint: fingerprint))
        }
        return bad("no \"input\", \"messages\", \"body\" or \"params\" field")
    }

    /// A hint when the first line of a file shows it is not JSONL at all: a JSON array, or CSV.
    public static func formatHint(firstLine raw: String) -> String? {
        let text = raw.drop { $0 == " " || $0 == "\t" }
        if text.hasPrefix("[") {
            return "the file looks like a JSON array; fanout reads JSONL, one JSON object per line (jq -c '.[]' converts an array)"
        }
        if !text.hasPrefix("{") && text.contains(",") {
            return "the file looks like CSV; fanout reads JSONL, one JSON object per line such as {\"input\": \"…\"}"
        }
        return nil
    }

    enum Problem: Error {
        case badURL
        var reason: String {
            "\"url\" must be a path like /v1/chat/completions, with no spaces, control characters or non-ASCII text"
        }
    }

    /// A Batch line's `url`: nil when absent; a path of printable ASCII without spaces, else a problem
    /// (a CR or LF there would split the request line).
    static func batchPath(_ url: JSONValue?) -> Result<String?, Problem> {
        guard let url else { return .success(nil) }
        guard let text = url.stringValue, text.hasPrefix("/"), text.isVisibleASCII else {
            return .failure(.badURL)
        }
        return .success(text)
    }

    /// `custom_id`, else `id`, as text (a number keeps its source text).
    static func recordID(_ value: JSONValue) -> String? {
        for key in ["custom_id", "id"] {
            switch value[key] {
            case .string(let text)?: return text
            case .number(let text)?: return text
            default: continue
            }
        }
        return nil
    }

    /// The line as text for an error record: invalid UTF-8 replaced, at most 64 KiB kept.
    static func rawText<Bytes: Collection<UInt8>>(_ bytes: Bytes) -> String {
        let limit = 64 * 1024
        if bytes.count <= limit { return String(decoding: bytes, as: UTF8.self) }
        return String(decoding: bytes.prefix(limit), as: UTF8.self) + "…"
    }
}

extension JSONValue {
    /// A copy of this object without `key`.
    func removing(_ key: String) -> JSONValue {
        guard case .object(let fields) = self else { return self }
        return .object(fields.filter { $0.key != key })
    }
}
