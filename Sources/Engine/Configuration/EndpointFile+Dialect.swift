extension EndpointFile {
    /// The entry's `api` (`openai` or `anthropic`), else what its URL implies.
    static func readDialect(_ map: [String: Any], position: String, url: EndpointURL) throws(EngineError) -> APIDialect {
        guard let value = map["api"] else { return APIDialect.implied(by: url) }
        guard let text = value as? String, let dialect = APIDialect(rawValue: text.lowercased()) else {
            throw .configuration("\(position) needs api to be openai or anthropic")
        }
        return dialect
    }

    /// The entry's `anthropic_version` header value, if it gives one.
    static func readAnthropicVersion(_ map: [String: Any], position: String) throws(EngineError) -> String? {
        guard let version = map["anthropic_version"] else { return nil }
        guard let text = version as? String, HeaderField.canCarry(text), !text.isEmpty else {
            throw .configuration("\(position) needs anthropic_version to be a version like 2023-06-01")
        }
        return text
    }

    /// `--endpoint anthropic:URL[@WEIGHT]`: the dialect its prefix (or its URL) names, and the rest.
    public static func dialect(ofSpec spec: String) -> (APIDialect?, String) {
        guard spec.lowercased().hasPrefix(APIDialect.anthropicPrefix) else { return (nil, spec) }
        return (.anthropic, String(spec.dropFirst(APIDialect.anthropicPrefix.count)))
    }
}
