/// One OpenAI-compatible endpoint: where it is, its share of traffic, and its own settings.
///
/// The API key is held here but never printed: `description` and every error leave it out.
public struct EndpointConfiguration: Sendable, Hashable, CustomStringConvertible {
    public var name: String
    public var url: EndpointURL
    /// Relative share of traffic; 0 drains the endpoint.
    public var weight: Double
    /// The bearer token sent as `Authorization`, if any. Never logged.
    public var apiKey: String?
    /// Overrides the body's `model` for requests sent here (servers often name their model differently).
    public var model: String?
    /// This endpoint's own cap on requests awaiting an answer.
    public var maxInFlight: Int?
    /// Extra request headers, e.g. `api-key` for Azure. Values are treated as secrets.
    public var headers: [HeaderField]
    /// This endpoint's own limit on requests per second (an `rpm` is kept as rpm / 60); nil for none.
    public var requestsPerSecond: Double?
    /// This endpoint's own tokens-per-minute limit; nil for none.
    public var tokensPerMinute: Double?
    /// The environment variable this endpoint's entry named for its key when that variable is unset
    /// (a warning at start: requests go without a key).
    public var missingKeyVariable: String?

    public init(name: String? = nil, url: EndpointURL, weight: Double = 1, apiKey: String? = nil, model: String? = nil,
                maxInFlight: Int? = nil, headers: [HeaderField] = []) {
        self.name = name ?? url.hostAndPort
        self.url = url
        self.weight = weight
        self.apiKey = apiKey
        self.model = model
        self.maxInFlight = maxInFlight
        self.headers = headers
    }

    public var description: String { "\(name) (\(url)) weight \(weight)" }

    /// What every request to this endpoint carries: its extra headers and, with a key, `Authorization`.
    public var requestHeaders: [HeaderField] {
        headers + (apiKey.map { [HeaderField("authorization", "Bearer \($0)")] } ?? [])
    }
}

/// One extra HTTP header of an endpoint.
public struct HeaderField: Sendable, Hashable {
    public var name: String
    public var value: String

    public init(_ name: String, _ value: String) {
        self.name = name
        self.value = value
    }

    /// Whether `value` can travel in a header: visible ASCII, spaces and tabs inside, no line break or
    /// other control character (one would end the header, and every request would fail).
    public static func canCarry(_ value: String) -> Bool {
        value.utf8.allSatisfy { ($0 >= 0x20 && $0 < 0x7F) || $0 == 0x09 }
    }

    /// Whether `name` is a header name (an RFC 9110 token).
    public static func isName(_ name: String) -> Bool {
        !name.isEmpty && name.utf8.allSatisfy { byte in
            (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z")) || (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z"))
                || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")) || "!#$%&'*+-.^_`|~".utf8.contains(byte)
        }
    }

    /// The key held in the variable `variable`, refused (naming the variable, never the value) when a
    /// header cannot carry it; nil when unset or empty.
    public static func key(in variable: String, environment: [String: String]) throws(EngineError) -> String? {
        guard let value = environment[variable], !value.isEmpty else { return nil }
        guard canCarry(value), !value.contains(" ") else {
            throw .configuration("the API key in $\(variable) holds a character an HTTP header cannot carry (a line break, a space, a control character or non-ASCII text); set it again without them")
        }
        return value
    }
}
