/// One input line that is ready to send: its id, where it came from, and the body to post.
public struct RequestRecord: Sendable, Hashable {
    /// Which of the three accepted line shapes this came from.
    public enum Form: Sendable, Hashable {
        /// `{"input": "text", "metadata"?}` — the seed tool's form.
        case seed
        /// `{"messages": [...], ...}` — a chat completion body.
        case chat
        /// `{"custom_id", "method", "url", "body"}` — an OpenAI Batch API line.
        case batch
        /// `{"custom_id", "params"}` — an Anthropic Message Batches line.
        case messageBatch
    }

    /// `custom_id`, else `id`, else the 1-based physical line number, as text.
    public let id: String
    /// 1-based physical line number in the input file.
    public let line: Int
    /// Whether the line named its id (`custom_id`/`id`) rather than being named by its line number.
    public let namedID: Bool
    public let form: Form
    /// What output records echo as `input`: the prompt text (seed form) or the request body.
    public let input: JSONValue
    /// The request body with the run's defaults applied, before the endpoint's own `model`.
    public let body: JSONValue
    /// The Batch API `url` (e.g. `/v1/chat/completions`), for batch lines only.
    public let path: String?
    /// Passed through untouched to the output record.
    public let metadata: JSONValue?
    /// The input line's fingerprint (`LineFingerprint`), so a resumed run can tell that line N is
    /// still the line an earlier run answered as record N; 0 when unknown.
    public let fingerprint: UInt64
    /// The API shape the body is written in (`APIDialect.of(body:)`); a body goes to endpoints of
    /// another dialect translated.
    public var dialect: APIDialect = .openAI
    /// Whether the body translates into the other dialect (checked when endpoints of another are in play).
    public var translates = true
    /// The body in the other dialect, kept from that check so a send does not translate it again.
    public var translated: JSONValue?

    /// - Parameter namedID: nil when the line named its id exactly if the id differs from its line number.
    public init(id: String, line: Int, form: Form, input: JSONValue, body: JSONValue, path: String? = nil, metadata: JSONValue? = nil,
                namedID: Bool? = nil, fingerprint: UInt64 = 0) {
        self.fingerprint = fingerprint
        self.id = id
        self.line = line
        self.namedID = namedID ?? (id != String(line))
        self.form = form
        self.input = input
        self.body = body
        self.path = path
        self.metadata = metadata
    }

    /// Tokens this request counts against tokens-per-minute limits before its answer says
    /// (`TokenEstimate`); computed on each use, so runs without token limits never pay for it.
    public var estimatedTokens: Int { TokenEstimate.tokens(for: body) }
}

/// An input line that cannot be sent, with the reason; it becomes one error record.
public struct BadLine: Sendable, Hashable {
    public let id: String
    public let line: Int
    /// Whether the line named its id (see `RequestRecord.namedID`).
    public let namedID: Bool
    /// The raw line as text (invalid UTF-8 replaced, very long lines cut).
    public let raw: String
    public let reason: String
    /// The input line's fingerprint (`LineFingerprint`); 0 when unknown.
    public let fingerprint: UInt64

    public init(id: String, line: Int, raw: String, reason: String, namedID: Bool? = nil, fingerprint: UInt64 = 0) {
        self.fingerprint = fingerprint
        self.id = id
        self.line = line
        self.namedID = namedID ?? (id != String(line))
        self.raw = raw
        self.reason = reason
    }
}

extension BadLine {
    /// A read record that is refused before it is sent, for `reason`; `raw` is its input as text.
    init(_ record: RequestRecord, reason: String) {
        self.init(id: record.id, line: record.line, raw: record.input.stringValue ?? record.input.encodedString, reason: reason,
                  namedID: record.namedID, fingerprint: record.fingerprint)
    }
}

/// What the request source yields for each non-blank line.
public enum SourceItem: Sendable, Hashable {
    case record(RequestRecord)
    case bad(BadLine)

    /// The fingerprint of the line either came from.
    public var fingerprint: UInt64 {
        switch self {
        case .record(let record): record.fingerprint
        case .bad(let bad): bad.fingerprint
        }
    }
}
