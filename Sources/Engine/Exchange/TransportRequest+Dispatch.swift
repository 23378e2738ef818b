extension TransportRequest {
    /// The HTTP request for a dispatch: the endpoint's model wins, its key and headers are added.
    /// - Parameters:
    ///   - headers: each endpoint's `requestHeaders`, built once per run (one shared array per
    ///     endpoint lets the transport reuse what it made of them).
    ///   - stream: under `--stream`, what endpoints accept; `stream` is then set and, unless
    ///     `withoutOptions` or the endpoint refused them, `stream_options` (`carriesStreamOptions`).
    init(for dispatch: Dispatch, configuration: EngineConfiguration, headers: [[HeaderField]]? = nil,
         stream: StreamOptionsMemory? = nil, withoutOptions: Bool = false) {
        let endpoint = configuration.endpoints[dispatch.endpoint]
        let record = dispatch.attempt.record
        var body = record.body
        if let model = endpoint.model { body = body.setting("model", to: .string(model)) }
        var carries = false
        let path = endpoint.url.requestPath(batchPath: record.path)
        // Only completions stream: an embeddings or moderation line is sent as it is.
        if let stream, Self.streams(path) {
            if withoutOptions {
                if body["stream"] == nil { body = body.setting("stream", to: .bool(true)) }
            } else {
                (body, carries) = stream.body(body, endpoint: dispatch.endpoint)
            }
        }
        self.init(endpoint: dispatch.endpoint, url: endpoint.url, path: path,
                  headers: headers?[dispatch.endpoint] ?? endpoint.requestHeaders, body: body.encodedBytes, timeout: configuration.timeout)
        carriesStreamOptions = carries
        // Any answer may stream (a line can ask for it without --stream): read one as it arrives.
        bodyConsumer = StreamReader.consumer
    }

    /// Whether requests to `path` can stream: chat completions and completions (a query aside).
    static func streams(_ path: String) -> Bool {
        (path.split(separator: "?", maxSplits: 1).first.map(String.init) ?? path).hasSuffix("/completions")
    }
}
