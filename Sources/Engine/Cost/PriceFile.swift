import Yams

/// Reads `--prices FILE`: JSON (LiteLLM's own map works as it is) or YAML, keyed by model name.
public enum PriceFile {
    /// The largest prices file read, bytes (LiteLLM's whole map is under 1 MiB today).
    public static let maxBytes = 64 << 20
    /// The most YAML nodes a YAML prices file may expand to.
    public static let maxYAMLNodes = 200_000

    /// Reads and parses the file at `path`; the error says what is wrong in one sentence.
    public static func read(path: String) throws(PriceError) -> [String: ModelPrice] {
        switch POSIXFile.kind(of: path) {
        case nil: throw PriceError(POSIXFile.size(of: path) == nil ? "no such file" : "cannot read it (permission denied)")
        case .directory: throw PriceError("it is a directory, not a prices file")
        case .file: break
        }
        guard let bytes = POSIXFile.contents(of: path, limit: maxBytes) else { throw PriceError("cannot read it, or it is over 64 MiB") }
        return try parse(bytes)
    }

    public static func parse(_ bytes: [UInt8]) throws(PriceError) -> [String: ModelPrice] {
        guard bytes.count <= maxBytes else { throw PriceError("the prices file is over 64 MiB") }
        let prices = try read(bytes)
        guard !prices.isEmpty else { throw PriceError("the prices file names no model with input_cost_per_token and output_cost_per_token") }
        return prices
    }

    private static func read(_ bytes: [UInt8]) throws(PriceError) -> [String: ModelPrice] {
        if let document = try? JSONParser.parse(bytes) { return try PriceTable.overrides(from: document) }
        let text = String(decoding: bytes, as: UTF8.self)
        let root: Any?
        do {
            guard let node = try Yams.compose(yaml: text) else { throw PriceError("the prices file is empty") }
            var budget = maxYAMLNodes
            guard EndpointFile.fits(node, budget: &budget) else { throw PriceError("the prices file expands to too many YAML nodes") }
            root = try Yams.load(yaml: text)
        } catch let error as PriceError {
            throw error
        } catch {
            throw PriceError("the prices file is neither JSON nor YAML")
        }
        return try PriceTable.overrides(from: Self.json(root))
    }

    /// A YAML value as JSON: mappings, lists, numbers, strings, booleans and nulls.
    static func json(_ value: Any?) -> JSONValue {
        switch value {
        case let map as [String: Any]: return .object(map.keys.sorted().map { JSONField($0, json(map[$0])) })
        case let list as [Any]: return .array(list.map(json))
        case let number as Int: return .number(String(number))
        case let number as Double: return .number(number.isFinite ? "\(number)" : "1e999")
        case let flag as Bool: return .bool(flag)
        case let text as String: return .string(text)
        default: return .null
        }
    }
}
