/// Fetches model servers' metrics pages: the engine's way to see a server's own queue.
public protocol ServerMetricsSource: Sendable {
    /// The pages to read, one per endpoint at most.
    var targets: [ServerMetricsTarget] { get }
    /// One `GET` of target number `index`: its status and body, or nil when it failed or took over
    /// `timeout` seconds. Never throws.
    func fetch(_ index: Int, timeout: Double) async -> (status: Int, body: [UInt8])?
    /// Closes its connections.
    func shutdown() async
}

/// Reads metrics pages over HTTP with the endpoints' own proxies and TLS settings, one connection
/// per page, a page at most `maxBytes`.
public final class NIOServerMetricsSource: ServerMetricsSource {
    /// The largest metrics page read (vLLM's, histograms and all, is some tens of KiB).
    public static let maxBytes = 4 << 20

    public let targets: [ServerMetricsTarget]
    private let transport: NIOHTTPTransport
    /// Each page's request headers: its endpoint's on the same origin, none elsewhere.
    let headers: [[HeaderField]]

    /// - Throws: a TLS setting that cannot be used.
    public init(endpoints: [EndpointConfiguration], connectTimeout: Double) throws(EngineError) {
        targets = ServerMetricsTarget.targets(for: endpoints)
        let pages = targets.map { target in
            var page = endpoints[target.endpoint]
            page.url = target.url
            page.maxInFlight = 1
            return page
        }
        // The endpoint's headers (its key) go along only to its own origin (a gateway in front of the
        // server may want them); a page elsewhere never sees them.
        headers = targets.map { target in
            let endpoint = endpoints[target.endpoint]
            return target.url.origin == endpoint.url.origin ? endpoint.requestHeaders : []
        }
        transport = try NIOHTTPTransport(endpoints: pages, connectionsPerEndpoint: 1, connectTimeout: connectTimeout, maxResponseBytes: Self.maxBytes)
    }

    public func fetch(_ index: Int, timeout: Double) async -> (status: Int, body: [UInt8])? {
        let target = targets[index]
        var request = TransportRequest(endpoint: index, url: target.url, path: target.path, headers: headers[index], body: [], timeout: timeout)
        request.isGet = true
        guard case .success(let response) = await transport.send(request) else { return nil }
        return (response.status, response.body)
    }

    public func shutdown() async { await transport.shutdown() }
}
