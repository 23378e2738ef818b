/// What `--stream` adds to a request body, and what each endpoint has shown it accepts.
///
/// `--stream` sends `"stream": true` with `"stream_options": {"include_usage": true}` (so exact
/// token counts arrive in the last chunk); a line that sets `stream` itself keeps its choice. Some
/// servers answer 400 to `stream_options`: when the error names them, the request is sent again
/// without them, which costs no attempt, and the endpoint is not sent them again; a 400 that does
/// not name them is the request's own (a context overflow) and is not sent again for them. A plain
/// value; `StreamOptionsMemory` shares it between connections.
struct StreamNegotiation: Sendable, Hashable {
    enum Support: Sendable, Hashable {
        /// Nothing learned yet.
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
        guard carriedOptions, !isFallback else { return false }
        if let status, (200..<300).contains(status) {
            if support[endpoint] == .unknown { support[endpoint] = .accepted }
            return false
        }
        // Only a refusal that names them is about them: any other 400 (a context overflow, a bad
        // field of the line's own) is the request's, and sending it again would only repeat it.
        guard refusal, let message, message.contains("stream_options") || message.contains("include_usage") else { return false }
        support[endpoint] = .refused
        return true
    }
}
