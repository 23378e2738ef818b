/// What `--stream` adds to a request body, and what each endpoint has shown it accepts.
///
/// `--stream` sends `"stream": true` with `"stream_options": {"include_usage": true}` (so exact
/// token counts arrive in the last chunk); a line that sets `stream` itself keeps its choice. Some
/// servers answer 400 to `stream_options`: the request is then sent again without them, which
/// costs no attempt, and an endpoint that showed it refuses them is not sent them again. A plain
/// value; `StreamOptionsMemory` shares it between connections.
struct StreamNegotiation: Sendable, Hashable {
    enum Support: Sendable, Hashable {
        /// Nothing learned yet: a 400 to a request with options is tried once more without them.
        case unknown
        /// An answer came back to a request that carried them: later 400s are the request's own.
        case accepted
        /// The endpoint refused them: never sent there again.
        case refused
    }

    private(set) var support: [Support]

    init(endpoints: Int) {
        support = Array(repeating: .unknown, count: endpoints)
    }

    /// The body to send to `endpoint` under `--stream`, and whether it carries `stream_options`.
    func body(_ body: JSONValue, endpoint: Int) -> (body: JSONValue, carriesOptions: Bool) {
        var body = body
        if body["stream"] == nil { body = body.setting("stream", to: .bool(true)) }
        guard body["stream"] == .bool(true), body["stream_options"] == nil, support[endpoint] != .refused else { return (body, false) }
        return (body.setting("stream_options", to: .object([JSONField("include_usage", .bool(true))])), true)
    }

    /// An answer came back. Returns whether to send the request again without `stream_options`.
    /// - Parameters:
    ///   - carriedOptions: the request carried `stream_options`.
    ///   - isFallback: the request is the resend without them.
    ///   - message: the error body's message for a non-2xx status.
    mutating func answered(endpoint: Int, status: Int?, message: String?, carriedOptions: Bool, isFallback: Bool) -> Bool {
        let refusal = status == 400 || status == 422
        if isFallback {
            // Sent again without the options and answered: they were the problem. Refused the same
            // way without them: they were not, so later 400s are sent once, as the requests' own.
            if let status, support[endpoint] == .unknown {
                if (200..<300).contains(status) { support[endpoint] = .refused } else if refusal { support[endpoint] = .accepted }
            }
            return false
        }
        guard carriedOptions else { return false }
        if let status, (200..<300).contains(status) {
            if support[endpoint] == .unknown { support[endpoint] = .accepted }
            return false
        }
        guard refusal else { return false }
        let named = message.map { $0.contains("stream_options") || $0.contains("include_usage") } ?? false
        if named { support[endpoint] = .refused }
        return named || support[endpoint] == .unknown
    }
}
