extension TransportRequest {
    /// The HTTP request for a dispatch: the endpoint's model wins, its key and headers are added.
    /// - Parameter headers: each endpoint's `requestHeaders`, built once per run (one shared array per
    ///   endpoint lets the transport reuse what it made of them).
    init(for dispatch: Dispatch, configuration: EngineConfiguration, headers: [[HeaderField]]? = nil) {
        let endpoint = configuration.endpoints[dispatch.endpoint]
        let record = dispatch.attempt.record
        var body = record.body
        if let model = endpoint.model { body = body.setting("model", to: .string(model)) }
        self.init(endpoint: dispatch.endpoint, url: endpoint.url, path: endpoint.url.requestPath(batchPath: record.path),
                  headers: headers?[dispatch.endpoint] ?? endpoint.requestHeaders, body: body.encodedBytes, timeout: configuration.timeout)
    }
}
