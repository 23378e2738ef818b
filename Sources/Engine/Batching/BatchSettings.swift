/// How a batch route packs and watches its batches (`route: batch` in the endpoints file).
public struct BatchSettings: Sendable, Hashable {
    /// Requests in one batch at most (OpenAI allows 50,000, Anthropic 100,000).
    public var maxRequests: Int
    /// Bytes of one batch at most (OpenAI's file limit is 200 MB, Anthropic's request 256 MB).
    public var maxBytes: Int
    /// Seconds a batch waits to fill before it is sent part full (at once when the input ends).
    public var fillSeconds: Double = 60
    /// Seconds between polls of an open batch (at least 0.1).
    public var pollInterval: Double = 30
    /// Batches open (created, not yet ended) at once at most; a full route takes no more records.
    public var maxOpenBatches = 10

    /// The provider's own limits, for `dialect`.
    public init(dialect: APIDialect) {
        switch dialect {
        case .openAI:
            maxRequests = 50_000
            maxBytes = 200_000_000
        case .anthropic:
            maxRequests = 100_000
            maxBytes = 256_000_000
        }
    }

    /// The keys an endpoints file entry may set for a batch route.
    static let keys: Set = ["route", "batch_max_requests", "batch_max_bytes", "batch_fill_seconds", "poll_interval", "max_open_batches"]

    /// Reads an entry's batch keys over the dialect's defaults; the message names the key.
    static func read(_ map: [String: Any], dialect: APIDialect, position: String) throws(EngineError) -> BatchSettings {
        var settings = BatchSettings(dialect: dialect)
        func number(_ key: String, _ range: ClosedRange<Double>, _ unit: String) throws(EngineError) -> Double? {
            guard let value = map[key] else { return nil }
            let number = (value as? Int).map(Double.init) ?? value as? Double
            guard let number, number.isFinite, range.contains(number) else {
                throw .configuration("\(position) needs \(key) from \(Format.weight(range.lowerBound)) to \(Format.weight(range.upperBound)) \(unit)")
            }
            return number
        }
        if let value = try number("batch_max_requests", 1...Double(settings.maxRequests), "requests") { settings.maxRequests = Int(value) }
        if let value = try number("batch_max_bytes", 1024...Double(settings.maxBytes), "bytes") { settings.maxBytes = Int(value) }
        if let value = try number("batch_fill_seconds", 0...86_400, "seconds") { settings.fillSeconds = value }
        if let value = try number("poll_interval", 0.1...3600, "seconds") { settings.pollInterval = value }
        if let value = try number("max_open_batches", 1...1000, "batches") { settings.maxOpenBatches = Int(value) }
        return settings
    }
}

extension EndpointFile {
    /// The entry's `route` (`realtime`, the default, or `batch`) with its batch keys, and `service_tier`.
    static func readRoute(_ map: [String: Any], position: String, into endpoint: inout EndpointConfiguration) throws(EngineError) {
        if let tier = map["service_tier"] {
            guard let text = tier as? String, ["flex", "default", "auto", "priority"].contains(text) else {
                throw .configuration("\(position) needs service_tier to be flex, default, auto or priority")
            }
            guard endpoint.dialect == .openAI else { throw .configuration("\(position): service_tier is OpenAI's; an Anthropic endpoint cannot take it") }
            endpoint.serviceTier = text
        }
        let route = (map["route"] as? String)?.lowercased() ?? (map["route"] == nil ? "realtime" : "")
        switch route {
        case "realtime", "real-time":
            if let key = map.keys.first(where: { BatchSettings.keys.contains($0) && $0 != "route" }) {
                throw .configuration("\(position) sets \(key), which only a batch route takes: add route: batch")
            }
        case "batch":
            guard endpoint.serviceTier == nil else { throw .configuration("\(position): a batch route takes no service_tier (batches are priced as batches)") }
            endpoint.batch = try BatchSettings.read(map, dialect: endpoint.dialect, position: position)
        default:
            throw .configuration("\(position) needs route to be realtime or batch")
        }
    }

    /// `--endpoint batch:URL` and `anthropic-batch:URL`: a batch route, and the rest of the spec.
    public static func route(ofSpec spec: String) -> (APIDialect?, isBatch: Bool, String) {
        for (prefix, dialect) in [("batch:", APIDialect.openAI), ("anthropic-batch:", .anthropic)] where spec.lowercased().hasPrefix(prefix) {
            return (dialect, true, String(spec.dropFirst(prefix.count)))
        }
        let (dialect, rest) = self.dialect(ofSpec: spec)
        return (dialect, false, rest)
    }
}
