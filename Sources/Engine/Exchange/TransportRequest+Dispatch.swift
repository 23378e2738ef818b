extension TransportRequest {
    /// The HTTP request for a dispatch: the body in the endpoint's dialect (`body(for:)`), the
    /// endpoint's model winning, its key and headers added.
    /// - Parameters:
    ///   - body: the body already in the endpoint's dialect (`body(for:configuration:)`).
    ///   - headers: each endpoint's `requestHeaders`, built once per run (one shared array per
    ///     endpoint lets the transport reuse what it made of them).
    ///   - stream: under `--stream`, what endpoints accept; `stream` is then set and, for OpenAI
    ///     endpoints unless `withoutOptions` or the endpoint refused them, `stream_options` (`carriesStreamOptions`).
    init(for dispatch: Dispatch, body translated: JSONValue, configuration: EngineConfiguration, headers: [[HeaderField]]? = nil,
         stream: StreamOptionsMemory? = nil, withoutOptions: Bool = false) {
        let endpoint = configuration.endpoints[dispatch.endpoint]
        let record = dispatch.attempt.record
        var body = translated
        if let model = endpoint.model { body = body.setting("model", to: .string(model)) }
        if let tier = endpoint.serviceTier { body = body.setting("service_tier", to: .string(tier)) }
        var carries = false
        let path = endpoint.url.requestPath(batchPath: record.path, dialect: endpoint.dialect)
        // Only completions stream: an embeddings or moderation line is sent as it is.
        if let stream, endpoint.dialect == .anthropic || Self.streams(path) {
            if withoutOptions || endpoint.dialect == .anthropic {
                if body["stream"] == nil { body = body.setting("stream", to: .bool(true)) }
            } else {
                (body, carries) = stream.body(body, endpoint: dispatch.endpoint)
            }
        }
        self.init(endpoint: dispatch.endpoint, url: endpoint.url, path: path,
                  headers: headers?[dispatch.endpoint] ?? endpoint.requestHeaders, body: body.encodedBytes, timeout: configuration.timeout)
        carriesStreamOptions = carries
        // Any answer may stream (a line can ask for it without --stream): read one as it arrives.
        bodyConsumer = endpoint.dialect == .anthropic ? AnthropicStreamReader.consumer : StreamReader.consumer
    }

    /// The record's body in the dialect of the endpoint it goes to: as written, or translated.
    static func body(for dispatch: Dispatch, configuration: EngineConfiguration) throws(EngineError) -> JSONValue {
        let record = dispatch.attempt.record
        let target = configuration.endpoints[dispatch.endpoint].dialect
        do {
            return try record.body(in: target)
        } catch {
            throw .untranslatable(to: target, error.description)
        }
    }

    /// Whether requests to `path` can stream: chat completions and completions (a query aside).
    static func streams(_ path: String) -> Bool {
        (path.split(separator: "?", maxSplits: 1).first.map(String.init) ?? path).hasSuffix("/completions")
    }
}

extension RequestRecord {
    /// The body in `dialect`: as written when it is the record's own, else translated (once: the
    /// routing check at read time keeps what it made in `translated`).
    public func body(in dialect: APIDialect) throws(TranslationError) -> JSONValue {
        guard dialect != self.dialect else { return body }
        if let translated { return translated }
        guard case .array? = body["messages"] else { throw TranslationError("only chat bodies (with \"messages\") translate between APIs") }
        switch dialect {
        case .anthropic: return try AnthropicTranslation.body(fromOpenAI: body)
        case .openAI: return try OpenAITranslation.body(fromAnthropic: body)
        }
    }
}
