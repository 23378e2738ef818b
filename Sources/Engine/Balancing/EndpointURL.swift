/// An endpoint's URL and the rule for where each request goes.
///
/// A URL whose path is empty or ends in `/v1` is a *base*: prompt and chat lines go to
/// `base/chat/completions`, Batch lines to the base plus their `url` less its leading `/v1`.
/// An empty path counts as `/v1`, so `http://gpu-a:8000` reaches vLLM's `/v1/chat/completions`.
/// Any other path is used as given for every request. A query (Azure's `?api-version=…`) is kept
/// on every request; it is never shown (descriptions and names leave it out).
public struct EndpointURL: Sendable, Hashable, CustomStringConvertible {
    public let scheme: String
    public let host: String
    public let port: Int
    /// The path as given, without a trailing slash.
    public let path: String
    /// The query without its `?`, sent with every request.
    public let query: String?

    /// Parses `http(s)://host[:port][/path][?query]`; nil for anything else (user info, a fragment,
    /// spaces or control characters). `problem(with:)` says why.
    public init?(_ text: String) {
        guard text.isVisibleASCII, let schemeEnd = text.firstRange(of: "://") else { return nil }
        let scheme = text[..<schemeEnd.lowerBound].lowercased()
        guard scheme == "http" || scheme == "https" else { return nil }
        var rest = text[schemeEnd.upperBound...]
        let pathStart = rest.firstIndex(where: { $0 == "/" || $0 == "?" }) ?? rest.endIndex
        let authority = rest[..<pathStart]
        rest = rest[pathStart...]
        guard !authority.isEmpty, !authority.contains("@"), !rest.contains("#") else { return nil }
        var query: String?
        if let mark = rest.firstIndex(of: "?") {
            query = String(rest[rest.index(after: mark)...])
            rest = rest[..<mark]
            if query?.isEmpty == true { query = nil }
        }
        guard let (host, port) = URLText.hostAndPort(authority, defaultPort: scheme == "https" ? 443 : 80), !host.contains(" ") else { return nil }
        self.scheme = scheme
        self.host = host
        self.port = port
        var path = String(rest)
        while path.hasSuffix("/") { path.removeLast() }
        self.path = path
        self.query = query
    }

    /// Why `text` is not an endpoint URL, in a sentence that never repeats credentials it holds.
    public static func problem(with text: String) -> String {
        let shown = URLText.withoutCredentials(text)
        if URLText.hasCredentials(text) {
            return "\"\(shown)\" carries credentials (user:password@); fanout does not send those — put the key in an environment variable (api_key_env) or a header"
        }
        if text.contains("#") { return "\"\(shown)\" has a fragment (#…), which an endpoint URL cannot have" }
        if !text.isVisibleASCII {
            return "\"\(URLText.printable(shown))\" holds spaces or control characters"
        }
        return "\"\(shown)\" is not an http(s) URL like http://host:port/v1"
    }

    public var isTLS: Bool { scheme == "https" }

    /// `host:port`, the endpoint's default name.
    public var hostAndPort: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }

    /// Whether this URL is a base that request paths are appended to.
    public var isBase: Bool { path.isEmpty || path.hasSuffix("/v1") }

    /// The request path for a line: `batchPath` is the Batch API line's `url`, nil for prompt and chat lines.
    /// For an Anthropic endpoint a base (with or without `/v1`) gets `/v1/messages`.
    public func requestPath(batchPath: String?, dialect: APIDialect = .openAI) -> String {
        let target: String
        if dialect == .anthropic {
            target = isBase ? (path.isEmpty ? "/v1" : path) + "/messages" : path
        } else if !isBase {
            target = path
        } else if let batchPath {
            target = (path.isEmpty ? "/v1" : path) + (batchPath.hasPrefix("/v1/") ? String(batchPath.dropFirst(3)) : batchPath)
        } else {
            target = (path.isEmpty ? "/v1" : path) + "/chat/completions"
        }
        guard let query else { return target }
        return target + (target.contains("?") ? "&" : "?") + query
    }

    /// The URL text without any path, e.g. `http://127.0.0.1:8001`.
    public var origin: String {
        let defaultPort = isTLS ? 443 : 80
        let hostText = host.contains(":") ? "[\(host)]" : host
        return port == defaultPort ? "\(scheme)://\(hostText)" : "\(scheme)://\(hostText):\(port)"
    }

    public var description: String { origin + path }
}
