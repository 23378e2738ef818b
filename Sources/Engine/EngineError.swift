/// Everything that can go wrong for one request or one run, as one error type.
///
/// The description is readable and never holds a header value (transport errors are reduced to
/// their kind before they get here). What a server said (an HTTP error's message) is kept whole:
/// pass it through `Redactor.message(for:)`, which removes echoed secrets and only then shortens it.
public struct EngineError: Error, Sendable, Hashable, CustomStringConvertible {
    private enum Code: Hashable {
        case connect, connectTimeout, connectionLost, closedBeforeAnswer, refused, noStreams, timeout, httpStatus, invalidResponse, responseTooLarge
        /// The account is out of money (OpenAI's `insufficient_quota`, Anthropic's billing and spend
        /// limits), not over a rate.
        case quotaExhausted
        case encodedResponse
        case inputUnreadable, outputUnwritable, configuration, cancelled, inputChanged
        /// A control endpoint refused a request or sent what cannot be read.
        case control
        /// The line cannot be written in the endpoint's API.
        case untranslatable
    }

    private let code: Code
    /// The HTTP status of the answer, when there was one.
    public let status: Int?
    /// Seconds the server asked us to wait (`retry-after-ms` / `retry-after`), when it said.
    public let retryAfter: Double?
    private let message: String
    /// The `usage` a failed answer still carried (it was billed), when it did.
    public private(set) var usage: JSONValue?
    /// Output tokens a cut stream delivered before it ended without usage (billed all the same).
    public private(set) var partialOutput = 0

    private init(_ code: Code, _ message: String, status: Int? = nil, retryAfter: Double? = nil) {
        self.code = code
        self.message = message
        self.status = status
        self.retryAfter = retryAfter
    }

    public static func connect(_ detail: String) -> EngineError { .init(.connect, "connection failed: \(detail)") }
    public static func connectionLost(_ detail: String) -> EngineError { .init(.connectionLost, "connection lost: \(detail)") }
    /// The server closed the connection before any byte of the answer (typically a keep-alive race).
    public static let closedBeforeAnswer = EngineError(.closedBeforeAnswer, "connection closed by the server before answering")
    /// An HTTP/2 server refused the request unprocessed (REFUSED_STREAM, or GOAWAY below its id):
    /// safe to send again, spending no attempt.
    public static let refused = EngineError(.refused, "the server refused the request before processing it (HTTP/2 REFUSED_STREAM or GOAWAY)")
    /// An HTTP/2 server's SETTINGS allow no streams at all (`SETTINGS_MAX_CONCURRENT_STREAMS` 0):
    /// no request can be sent on its connections.
    public static let noStreams = EngineError(.noStreams, "the server allows no HTTP/2 streams (SETTINGS_MAX_CONCURRENT_STREAMS 0), so no request can be sent to it")
    public static func timeout(seconds: Double) -> EngineError {
        .init(.timeout, "timeout after \(Self.format(seconds))s")
    }
    public static func connectTimeout(seconds: Double) -> EngineError {
        .init(.connectTimeout, "connect timeout after \(Self.format(seconds))s")
    }
    /// A non-2xx answer; `detail` is the server's `error.message` when it sent one, kept whole (on
    /// one line): it may echo a key, so it is cut only after `Redactor.message(for:)` has removed secrets.
    /// - Parameters:
    ///   - code: the body's `error.code`; `type`: its `error.type`. An account out of money
    ///     (`SpendLimit`) is not retried and stops sends to the endpoint.
    public static func http(status: Int, detail: String?, retryAfter: Double? = nil, code: String? = nil, type: String? = nil) -> EngineError {
        let text = detail.map { "HTTP \(status): \($0.split(whereSeparator: \.isNewline).joined(separator: " "))" } ?? "HTTP \(status)"
        if let reason = SpendLimit.reason(status: status, code: code, type: type, message: detail) {
            return .init(.quotaExhausted, text + " (\(reason): the account is out of money, so nothing more goes to this endpoint; its records stay unsent)", status: status)
        }
        return .init(.httpStatus, text, status: status, retryAfter: retryAfter)
    }

    /// This error with the usage its answer carried, and the output tokens a cut stream delivered.
    func carrying(usage: JSONValue?, partialOutput: Int = 0) -> EngineError {
        var error = self
        error.usage = usage.flatMap { $0 == .null ? nil : $0 }
        error.partialOutput = max(0, partialOutput)
        return error
    }

    /// The account behind the endpoint is out of money: sends there stop, the record stays unsent.
    public var isOutOfFunds: Bool { code == .quotaExhausted }
    public static func invalidResponse(status: Int, _ detail: String) -> EngineError {
        .init(.invalidResponse, "invalid response (HTTP \(status)): \(detail)", status: status)
    }
    /// A body the server compressed (`Content-Encoding`) although fanout asked for `identity`: not
    /// retried, since the server would do it again.
    public static func encodedResponse(status: Int, encoding: String) -> EngineError {
        .init(.encodedResponse, "invalid response (HTTP \(status)): the body is \(encoding)-compressed (Content-Encoding: \(encoding)) although fanout asked for none; turn compression off for this client at the server or proxy", status: status)
    }
    public static func responseTooLarge(limit: Int) -> EngineError {
        .init(.responseTooLarge, "response body larger than \(limit) bytes")
    }
    public static func inputUnreadable(path: String, _ reason: String) -> EngineError {
        .init(.inputUnreadable, "cannot read \(path): \(reason)")
    }
    public static func outputUnwritable(path: String, _ reason: String) -> EngineError {
        .init(.outputUnwritable, "cannot write \(path): \(reason)")
    }
    public static func configuration(_ reason: String) -> EngineError { .init(.configuration, reason) }
    /// A control endpoint's refusal (`status`, with its sentence) or an answer that cannot be read.
    public static func control(_ sentence: String, status: Int? = nil) -> EngineError { .init(.control, sentence, status: status) }
    /// The line has no counterpart in the endpoint's API: `reason` names what did not translate.
    public static func untranslatable(to dialect: APIDialect, _ reason: String) -> EngineError {
        .init(.untranslatable, "the line cannot be sent to an \(dialect == .anthropic ? "Anthropic (Messages API)" : "OpenAI-compatible") endpoint: \(reason)")
    }
    /// A resumed run found that input line `line` is not the line an earlier run wrote its record for.
    public static func inputChanged(line: Int) -> EngineError {
        .init(.inputChanged, "line \(line) of the input is not the line an earlier run answered as record \(line): the input changed since the "
            + "save and errors files were written, so resuming would skip or resend the wrong prompts. Give each line an \"id\" "
            + "(records then match by id), start over with --restart, or write to new output files")
    }

    /// Whether this is `inputChanged`: a usage problem (exit 2), not a broken file.
    public var isInputChanged: Bool { code == .inputChanged }
    public static let cancelled = EngineError(.cancelled, "cancelled before an answer arrived")

    /// Whether another attempt may succeed: connection trouble, timeouts, 408, 409, 429, 5xx and
    /// a 2xx body that is not the JSON promised. Other 4xx and bad input never are.
    public var isRetryable: Bool {
        switch code {
        case .connect, .connectTimeout, .connectionLost, .closedBeforeAnswer, .refused, .noStreams, .timeout, .invalidResponse: return true
        case .httpStatus:
            guard let status else { return false }
            return status == 408 || status == 409 || status == 429 || status >= 500
        case .responseTooLarge, .encodedResponse, .quotaExhausted, .inputUnreadable, .outputUnwritable, .configuration, .cancelled, .inputChanged, .control,
             .untranslatable: return false
        }
    }

    /// A 429 about rate (not quota): the endpoint's capacity, not the record's fault. Such answers do
    /// not spend `--max_attempts`; the endpoint's learned rate paces the resend.
    public var isRateLimit: Bool { code == .httpStatus && status == 429 }

    /// The bucket this error is counted in on the dashboard and in the summary.
    public var kind: ErrorKind {
        switch code {
        case .connect, .connectionLost, .closedBeforeAnswer, .refused, .noStreams: return .connection
        case .timeout, .connectTimeout: return .timeout
        case .invalidResponse, .responseTooLarge, .encodedResponse: return .invalidResponse
        case .inputUnreadable, .outputUnwritable, .configuration, .cancelled, .inputChanged, .control: return .other
        case .untranslatable: return .client
        case .httpStatus, .quotaExhausted:
            switch status ?? 0 {
            case 429: return .rateLimited
            case 529: return .overloaded
            case 500...: return .server
            default: return .client
            }
        }
    }

    /// True for failures that say the endpoint itself is unhealthy (not the request).
    public var isEndpointFailure: Bool {
        switch code {
        case .connect, .connectTimeout, .connectionLost, .closedBeforeAnswer, .noStreams, .timeout: return true
        case .httpStatus: return (status ?? 0) >= 500 && status != 529
        default: return false
        }
    }

    /// True when no connection could be made (refused, DNS, TLS, connect timeout): the request never
    /// reached the server, so it cannot be the request's fault.
    public var isNoConnection: Bool { code == .connect || code == .connectTimeout || code == .noStreams }

    /// Whether the server provably did not process the request (a keep-alive race, REFUSED_STREAM,
    /// GOAWAY below its stream, no streams allowed): it is sent again without spending an attempt,
    /// through the limiter like any send (`Scheduler.freeResends` at most).
    public var isUnprocessed: Bool { code == .closedBeforeAnswer || code == .refused || code == .noStreams }

    /// Whether the request may be sent again on a fresh connection without counting an attempt.
    public var isClosedBeforeAnswer: Bool { code == .closedBeforeAnswer }

    /// Whether an HTTP/2 server refused the request unprocessed (`refused`).
    public var isRefused: Bool { code == .refused }

    /// Whether the server never saw the request: a connection it had closed before any byte of
    /// the answer, or a stream it refused. Not the endpoint failing: a resend, never an error.
    public var isUnseenByServer: Bool { code == .closedBeforeAnswer || code == .refused }

    /// The same failure, said as one of reaching `proxy`: a refused or unreachable proxy is named
    /// as such (its credentials never are).
    func reachingProxy(_ proxy: ProxyServer) -> EngineError {
        guard code == .connect || code == .connectTimeout else { return self }
        let detail = message.hasPrefix("connection failed: ") ? String(message.dropFirst("connection failed: ".count)) : message
        return .init(code, "connection failed: cannot reach the proxy \(proxy): \(detail)")
    }

    public var description: String { message }


    static func format(_ seconds: Double) -> String {
        seconds == seconds.rounded() ? String(Int(saturating: seconds)) : String((seconds * 10).rounded() / 10)
    }
}

/// The buckets errors are counted in.
public enum ErrorKind: String, Sendable, CaseIterable, Hashable {
    case rateLimited = "429 rate limited"
    case server = "5xx server"
    /// Anthropic's 529 `overloaded_error`: the provider is busy, not this endpoint broken.
    case overloaded = "529 overloaded"
    case client = "4xx client"
    case timeout = "timeout"
    case connection = "connection"
    case invalidResponse = "invalid response"
    case badInput = "bad input line"
    case other = "other"

    /// A machine-readable name (Batch error codes, metric labels).
    public var code: String {
        switch self {
        case .rateLimited: "rate_limited"
        case .overloaded: "overloaded"
        case .server: "server_error"
        case .client: "client_error"
        case .timeout: "timeout"
        case .connection: "connection_error"
        case .invalidResponse: "invalid_response"
        case .badInput: "invalid_request_line"
        case .other: "other"
        }
    }

    /// A short label for narrow screens.
    public var shortLabel: String {
        switch self {
        case .rateLimited: "429"
        case .overloaded: "529"
        case .server: "5xx"
        case .client: "4xx"
        case .timeout: "timeout"
        case .connection: "conn"
        case .invalidResponse: "invalid"
        case .badInput: "input"
        case .other: "other"
        }
    }
}
