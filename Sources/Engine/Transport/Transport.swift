/// Sends HTTP POSTs: the engine's only way out to the network.
///
/// Requests are started, not awaited: the runner hands one over and gets its result through
/// `completion`, so a request costs no task of its own (the NIO transport answers on the
/// connection's event loop). Implementations never throw: every failure comes back as an
/// `EngineError` whose description is safe to print (no header values, so no API keys).
public protocol Transport: Sendable {
    /// Starts one request; `completion` runs exactly once, on any thread, with the answer or the failure.
    func start(_ request: TransportRequest, completion: @escaping @Sendable (Result<TransportResponse, EngineError>) -> Void)
    /// Ends every request in flight now (their completions still run, with failures).
    func cancelAll()
    /// Closes connections; called once, after the last completion (or after `cancelAll`).
    func shutdown() async
    /// Sizes an endpoint's connection pool to its in-flight cap as the cap changes.
    func setConnectionLimit(_ limit: Int, endpoint: Int)
    /// False once the endpoint's server was seen closing its connections after every answer, so
    /// each request now goes on a fresh one (`ConnectionReuse`).
    func reusesConnections(endpoint: Int) -> Bool
}

extension Transport {
    /// Transports without a pool of their own to size ignore it.
    public func setConnectionLimit(_ limit: Int, endpoint: Int) {}
    /// Transports without connections of their own to judge say the endpoint reuses them.
    public func reusesConnections(endpoint: Int) -> Bool { true }
}

extension Transport {
    /// Sends one request and waits for its result.
    public func send(_ request: TransportRequest) async -> Result<TransportResponse, EngineError> {
        await withCheckedContinuation { continuation in
            start(request) { continuation.resume(returning: $0) }
        }
    }
}

/// One request as the transport sees it.
public struct TransportRequest: Sendable {
    /// The endpoint's index in the run's configuration.
    public var endpoint: Int
    public var url: EndpointURL
    /// The request path, e.g. `/v1/chat/completions`.
    public var path: String
    /// Includes `Authorization` when the endpoint has a key; values are secrets.
    public var headers: [HeaderField]
    public var body: [UInt8]
    /// Whole-request timeout in seconds.
    public var timeout: Double
    /// The body carries `stream_options` that `--stream` added (a 400 may send it again without).
    public var carriesStreamOptions = false
    /// A `GET` (a server's metrics page) instead of the usual `POST`; the body is then empty.
    public var isGet = false
    /// Another method than `POST` for a request with a body (`DELETE`, a batch API's calls).
    public var method = "POST"
    /// The body's type when it is not JSON (a multipart upload).
    public var contentType: String?
    /// Asked once the answer's head is in (status, `Content-Type`): a consumer that takes the body
    /// read by read as it arrives, each read timed (nil, or a nil consumer: the body is collected
    /// whole). The exchange's way to read an event stream as it comes, without the transport
    /// knowing what the bytes mean.
    public var bodyConsumer: (@Sendable (_ status: Int, _ contentType: String?) -> (any ResponseBodyConsumer)?)?

    public init(endpoint: Int, url: EndpointURL, path: String, headers: [HeaderField], body: [UInt8], timeout: Double) {
        self.endpoint = endpoint
        self.url = url
        self.path = path
        self.headers = headers
        self.body = body
        self.timeout = timeout
    }
}

/// An HTTP answer of any status: bytes and headers, with no idea what they mean (the exchange,
/// `ResponseParser`, reads them as an LLM answer).
public struct TransportResponse: Sendable {
    public var status: Int
    /// Header names are lower-cased.
    public var headers: [HeaderField]
    public var body: [UInt8]
    /// What the request's `bodyConsumer` made of the body (then `body` is empty); nil when the body
    /// was collected whole.
    public var consumed: (any Sendable)?

    public init(status: Int, headers: [HeaderField] = [], body: [UInt8], consumed: (any Sendable)? = nil) {
        self.status = status
        // Servers mostly send lower-case names already: then the array is kept as it is.
        self.headers = headers.allSatisfy(\.name.isLowercase) ? headers
            : headers.map { HeaderField($0.name.lowercased(), $0.value) }
        self.body = body
        self.consumed = consumed
    }

    /// The first value of a header, by lower-case name.
    public func header(_ name: String) -> String? {
        headers.first(where: { $0.name == name })?.value
    }
}

/// Takes a response body read by read as it arrives, on the connection's event loop.
public protocol ResponseBodyConsumer: AnyObject {
    /// The next bytes, which arrived `seconds` after the request was written.
    func consume(_ bytes: UnsafeRawBufferPointer, at seconds: Double)
    /// The body ended `seconds` after the request was written: what the consumer made of it.
    func finish(at seconds: Double) -> any Sendable
}

extension String {
    /// True when no ASCII capital is in it (HTTP header names are ASCII).
    var isLowercase: Bool { !utf8.contains { $0 >= UInt8(ascii: "A") && $0 <= UInt8(ascii: "Z") } }
}
