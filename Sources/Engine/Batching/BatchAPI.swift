/// A provider's batch API, as a batch route's worker calls it: upload, create, poll, cancel,
/// list and read results. One real implementation per provider (`OpenAIBatchAPI`,
/// `AnthropicBatchAPI`) and a fake in tests. Errors never carry a key.
public protocol BatchAPI: Sendable {
    /// Uploads a batch's request file (OpenAI); nil where the provider takes requests inline (Anthropic).
    func upload(_ payload: [UInt8], name: String) async throws(EngineError) -> String?
    /// Creates the batch: from the uploaded file, or (Anthropic) the payload itself; `key` goes in
    /// its metadata where the provider keeps metadata.
    func create(fileID: String?, payload: [UInt8], key: String) async throws(EngineError) -> BatchObject
    func get(_ id: String) async throws(EngineError) -> BatchObject
    func cancel(_ id: String) async throws(EngineError) -> BatchObject
    /// Batches created since `since` (Unix seconds), newest first, paging back as far as needed.
    func list(since: Double) async throws(EngineError) -> [BatchObject]
    /// The results of an ended batch, each by custom_id.
    func results(of batch: BatchObject) async throws(EngineError) -> [BatchResult]
    /// Deletes an uploaded file no batch was created from (best effort).
    func deleteFile(_ id: String) async
}

/// What became of one request of a batch.
public struct BatchResult: Sendable {
    public enum Outcome: Sendable {
        case answered(ParsedAnswer)
        case failed(EngineError)
        /// It did not run: the batch expired or was cancelled first (sent again, never a failure).
        case notRun(String)
    }

    public var customID: String
    public var outcome: Outcome

    public init(customID: String, outcome: Outcome) {
        self.customID = customID
        self.outcome = outcome
    }
}

/// The HTTP calls a batch API makes, on a transport of its own, with the endpoint's headers.
struct BatchHTTP: Sendable {
    let transport: any Transport
    let endpoint: EndpointConfiguration
    /// The endpoint's index in that transport.
    let index: Int
    /// Seconds one call may take (a results file can be large).
    var timeout = 300.0

    /// `/v1` (or the URL's own base path, e.g. `/openai/v1`) the API's paths hang from.
    var root: String {
        var path = endpoint.url.path
        for suffix in ["/chat/completions", "/messages"] where path.hasSuffix(suffix) { path.removeLast(suffix.count) }
        return path.isEmpty ? "/v1" : path
    }

    /// The call's path under `root`, with the endpoint's query.
    func path(_ tail: String) -> String {
        let target = root + tail
        guard let query = endpoint.url.query else { return target }
        return target + (target.contains("?") ? "&" : "?") + query
    }

    /// One call; a non-2xx answer is an `EngineError.http` with the provider's message.
    func call(_ method: String, _ tail: String, body: [UInt8] = [], contentType: String? = nil) async throws(EngineError) -> [UInt8] {
        var request = TransportRequest(endpoint: index, url: endpoint.url, path: path(tail), headers: endpoint.requestHeaders, body: body, timeout: timeout)
        if method == "GET" { request.isGet = true } else { request.method = method }
        request.contentType = contentType
        let response: TransportResponse
        switch await transport.send(request) {
        case .success(let answer): response = answer
        case .failure(let error): throw error
        }
        guard (200..<300).contains(response.status) else {
            let details = ResponseParser.errorDetails(response.body)
            throw .http(status: response.status, detail: details.message, code: details.code, type: details.type)
        }
        return response.body
    }

    /// A call whose answer is a JSON object.
    func json(_ method: String, _ tail: String, body: [UInt8] = [], contentType: String? = nil) async throws(EngineError) -> JSONValue {
        let bytes = try await call(method, tail, body: body, contentType: contentType)
        guard let json = try? JSONParser.parse(bytes), json.isObject else {
            throw .invalidResponse(status: 200, "the batch API answered \(method) \(tail) with something that is not a JSON object")
        }
        return json
    }

    /// Batches newest first, a page of 100 at a time (at most 100 pages), until a page reaches back
    /// past `since` (Unix seconds): older pages cannot hold a batch made since. `cursor` is the
    /// query parameter that names the last id seen (`after`, `after_id`).
    func list(_ tail: String, cursor: String, since: Double, parse: (JSONValue) -> BatchObject?) async throws(EngineError) -> [BatchObject] {
        var found: [BatchObject] = []
        var after: String?
        for _ in 0..<100 {
            let page = try await json("GET", tail + "?limit=100" + (after.map { "&\(cursor)=\(Self.segment($0))" } ?? ""))
            guard case .array(let items)? = page["data"] else { break }
            let batches = items.compactMap(parse)
            found += batches
            let oldest = batches.compactMap(\.createdAt).min() ?? since
            guard page["has_more"] == .bool(true), let last = page["last_id"]?.stringValue ?? batches.last?.id, oldest >= since else { break }
            after = last
        }
        return found
    }

    /// An id as a path segment or query value: anything but `[A-Za-z0-9_-]` percent-escaped.
    static func segment(_ id: String) -> String {
        var out = ""
        for byte in id.utf8 {
            let plain = (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A) || byte == 0x5F || byte == 0x2D
            out += plain ? String(UnicodeScalar(byte)) : "%" + (byte < 16 ? "0" : "") + String(byte, radix: 16, uppercase: true)
        }
        return out
    }

    /// JSONL: each non-blank line parsed (lines that are not JSON are skipped: their request
    /// stays unanswered, and is sent again).
    static func lines(_ bytes: [UInt8]) -> [JSONValue] {
        bytes.split(separator: UInt8(ascii: "\n")).compactMap { line in
            guard line.contains(where: { $0 != 0x20 && $0 != 0x0D && $0 != 0x09 }) else { return nil }
            return try? JSONParser.parse(line)
        }
    }
}

/// The real batch APIs of a run's batch routes.
public enum BatchAPIs {
    /// One API per batch route, by endpoint index, over a transport of their own (the endpoints'
    /// proxies and TLS settings); results files up to 1 GiB.
    /// - Parameter runName: names the run in OpenAI batches' metadata.
    public static func make(endpoints: [EndpointConfiguration], connectTimeout: Double, runName: String) throws(EngineError) -> [Int: any BatchAPI] {
        let routes = endpoints.indices.filter { endpoints[$0].batch != nil }
        guard !routes.isEmpty else { return [:] }
        let transport = try NIOHTTPTransport(endpoints: endpoints, connectionsPerEndpoint: 4, connectTimeout: connectTimeout, maxResponseBytes: 1 << 30)
        var apis: [Int: any BatchAPI] = [:]
        for index in routes {
            let http = BatchHTTP(transport: transport, endpoint: endpoints[index], index: index)
            apis[index] = endpoints[index].dialect == .anthropic ? AnthropicBatchAPI(http: http) : OpenAIBatchAPI(http: http, runName: runName)
        }
        return apis
    }
}
