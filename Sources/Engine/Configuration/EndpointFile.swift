import Yams

/// Reads an endpoints file: a YAML or JSON list of `{name, url, weight, api_key_env, model, max_in_flight,
/// headers, rps, rpm, tpm, proxy, ca_file, client_cert, client_key}` (`rps`/`rpm`: the endpoint's own
/// request limit, the stricter if both; `tpm`: its own tokens-per-minute limit; `proxy`: a proxy URL
/// or `none`; `ca_file`: a PEM file of authorities trusted beside the system's; `client_cert` and
/// `client_key`: PEM files presented for mutual TLS; `price`: its price per token with LiteLLM's
/// keys, or `cost_per_hour`: US dollars an hour for a self-hosted server; `api`: `openai` or
/// `anthropic`, with `anthropic_version`; `metrics_url`: its server's Prometheus page, or `none`;
/// `server_metrics`: `{running, waiting, kv_cache}` metric names; `route`: `realtime` or `batch`, with
/// `batch_max_requests`, `batch_max_bytes`, `batch_fill_seconds`, `poll_interval`, `max_open_batches`;
/// `service_tier`). Paths are taken as given (relative ones from the current directory).
///
/// A top-level `endpoints:` key holding the list is accepted too. Keys are taken from the
/// environment named by `api_key_env` (or the run's default variable); a key is never read from
/// the file itself, so the file can be committed.
public enum EndpointFile {
    /// The largest weight an endpoint may have.
    public static let maxWeight = 1_000_000.0
    /// The largest endpoints file read, bytes.
    public static let maxBytes = 1 << 20
    /// The most YAML nodes an endpoints file may expand to.
    public static let maxNodes = 10_000

    /// - Parameters:
    ///   - text: the file's contents.
    ///   - environment: where `api_key_env` names are looked up.
    ///   - defaultKeyVariable: used for entries without `api_key_env`.
    /// The largest `rps`, `rpm` or `tpm` an endpoint may give.
    public static let maxLimit = 1e12
    /// The keys an entry may have.
    static let knownKeys: Set<String> = Set(["name", "url", "weight", "api_key_env", "model", "max_in_flight", "headers", "rps", "rpm", "tpm", "proxy",
                                 "ca_file", "client_cert", "client_key", "price", "cost_per_hour", "api", "anthropic_version",
                                 "metrics_url", "server_metrics", "service_tier"]).union(BatchSettings.keys)

    public static func parse(_ text: String, environment: [String: String], defaultKeyVariable: String) throws(EngineError) -> [EndpointConfiguration] {
        let root: Any?
        guard text.utf8.count <= maxBytes else { throw .configuration("it is over 1 MiB; an endpoints file is a short list") }
        do {
            // Composed first (aliases share their nodes there), counted with a bound, and only then
            // turned into values, which copies every alias: a 600-byte alias bomb stops here.
            guard let node = try Yams.compose(yaml: text) else { throw EngineError.configuration("it must hold a non-empty list of endpoints") }
            var budget = maxNodes
            guard Self.fits(node, budget: &budget) else {
                throw EngineError.configuration("it expands to more than 10,000 YAML nodes (through aliases?); write the list out plainly")
            }
            root = try Yams.load(yaml: text)
        } catch let error as EngineError {
            throw error
        } catch {
            throw .configuration("it is not valid YAML or JSON")
        }
        var list = root as? [Any]
        if list == nil, let map = root as? [String: Any] { list = map["endpoints"] as? [Any] }
        guard let entries = list, !entries.isEmpty else { throw .configuration("it must hold a non-empty list of endpoints") }
        var result: [EndpointConfiguration] = []
        for (index, entry) in entries.enumerated() {
            let position = "entry \(index + 1)"
            guard let map = entry as? [String: Any] else { throw .configuration("\(position) is not a mapping") }
            if let unknown = map.keys.first(where: { !knownKeys.contains($0) }) {
                throw .configuration("\(position) has an unknown key \"\(unknown)\"")
            }
            guard let urlText = map["url"] as? String else { throw .configuration("\(position) needs a \"url\" like http://host:port/v1") }
            guard let url = EndpointURL(urlText) else { throw .configuration("\(position): \(EndpointURL.problem(with: urlText))") }
            let weight: Double
            switch map["weight"] {
            case nil: weight = 1
            case let value as Int: weight = Double(value)
            case let value as Double: weight = value
            default: throw .configuration("\(position) has a weight that is not a number")
            }
            guard weight >= 0 else { throw .configuration("\(position) has a negative weight") }
            guard weight <= maxWeight else { throw .configuration("\(position) has a weight over 1,000,000") }
            var maxInFlight: Int?
            var adaptive = false
            if let value = map["max_in_flight"] {
                if let text = value as? String, text.lowercased() == "auto" {
                    adaptive = true
                } else {
                    guard let number = value as? Int, (1...1_000_000).contains(number) else {
                        throw .configuration("\(position) needs max_in_flight between 1 and 1,000,000, or auto")
                    }
                    maxInFlight = number
                }
            }
            var headers: [HeaderField] = []
            if let value = map["headers"] {
                guard let pairs = value as? [String: Any] else { throw .configuration("\(position) has headers that are not a mapping") }
                headers = pairs.keys.sorted().map { HeaderField($0, "\(pairs[$0]!)") }
                for header in headers {
                    guard HeaderField.isName(header.name) else { throw .configuration("\(position) has a header name that is not a token: \"\(URLText.printable(header.name))\"") }
                    guard HeaderField.canCarry(header.value) else {
                        throw .configuration("\(position) has a value for header \(header.name) that holds a line break or control character")
                    }
                }
            }
            func limit(_ key: String) throws(EngineError) -> Double? {
                guard let value = map[key] else { return nil }
                let number = (value as? Int).map(Double.init) ?? value as? Double
                guard let number, number > 0, number <= Self.maxLimit else { throw .configuration("\(position) needs \(key) above 0 and at most 10^12") }
                return number
            }
            let perSecond = [try limit("rps"), try limit("rpm").map { $0 / 60 }].compactMap { $0 }.min()
            let dialect = try readDialect(map, position: position, url: url)
            let namedVariable = map["api_key_env"] as? String
            // Anthropic endpoints read ANTHROPIC_API_KEY unless they name a variable.
            let keyVariable = namedVariable ?? (dialect == .anthropic ? APIDialect.anthropicKeyVariable : defaultKeyVariable)
            var endpoint = EndpointConfiguration(
                name: map["name"].map { "\($0)" }, url: url, weight: weight,
                apiKey: try HeaderField.key(in: keyVariable, environment: environment),
                model: map["model"] as? String, maxInFlight: maxInFlight, headers: headers)
            if endpoint.apiKey == nil, let namedVariable { endpoint.missingKeyVariable = namedVariable }
            endpoint.dialect = dialect
            endpoint.anthropicVersion = try readAnthropicVersion(map, position: position)
            endpoint.requestsPerSecond = perSecond
            endpoint.adaptiveInFlight = adaptive
            endpoint.tokensPerMinute = try limit("tpm")
            try readNetwork(map, position: position, into: &endpoint)
            try readCost(map, position: position, into: &endpoint)
            try readServerMetrics(map, position: position, into: &endpoint)
            try readRoute(map, position: position, into: &endpoint)
            result.append(endpoint)
        }
        return result
    }

    /// The entry's `proxy`, `ca_file`, `client_cert` and `client_key`.
    private static func readNetwork(_ map: [String: Any], position: String, into endpoint: inout EndpointConfiguration) throws(EngineError) {
        func path(_ key: String) throws(EngineError) -> String? {
            guard let value = map[key] else { return nil }
            guard let text = value as? String, !text.isEmpty else { throw .configuration("\(position) needs \(key) to be a file path") }
            return text
        }
        if let value = map["proxy"] {
            guard let text = value as? String else { throw .configuration("\(position) needs proxy to be a URL like http://proxy:3128, or none") }
            do {
                endpoint.proxyChoice = try ProxyChoice.parse(text)
            } catch {
                throw .configuration("\(position): \(error.description)")
            }
        }
        if let caFile = try path("ca_file") { endpoint.tls.caFiles = [caFile] }
        endpoint.tls.clientCertificate = try path("client_cert")
        endpoint.tls.clientKey = try path("client_key")
        guard (endpoint.tls.clientCertificate == nil) == (endpoint.tls.clientKey == nil) else {
            throw .configuration("\(position) needs client_cert and client_key together, for mutual TLS")
        }
    }

    /// Whether `node` and all it holds (aliases counted each time they are used) fit in `budget` nodes.
    static func fits(_ node: Node, budget: inout Int) -> Bool {
        budget -= 1
        guard budget >= 0 else { return false }
        switch node {
        case .scalar: return true
        case .mapping(let mapping): return mapping.allSatisfy { fits($0.key, budget: &budget) && fits($0.value, budget: &budget) }
        case .sequence(let sequence): return sequence.allSatisfy { fits($0, budget: &budget) }
        default: return true
        }
    }

    /// Parses a `--endpoint URL[@WEIGHT]` value: the weight is a number after the last `@`.
    public static func parseSpec(_ spec: String) throws(EngineError) -> (url: EndpointURL, weight: Double) {
        var urlText = spec
        var weight = 1.0
        if let at = spec.lastIndex(of: "@") {
            let suffix = spec[spec.index(after: at)...]
            guard let value = DecimalText.double(suffix), value.isFinite else {
                throw .configuration("the weight after @ in \"\(URLText.withoutCredentials(spec))\" must be a number")
            }
            guard value >= 0 else { throw .configuration("the weight in \"\(URLText.withoutCredentials(spec))\" must not be negative") }
            guard value <= maxWeight else { throw .configuration("the weight in \"\(URLText.withoutCredentials(spec))\" must be at most 1,000,000") }
            weight = value
            urlText = String(spec[..<at])
        }
        guard let url = EndpointURL(urlText) else { throw .configuration(EndpointURL.problem(with: urlText)) }
        return (url, weight)
    }
}
