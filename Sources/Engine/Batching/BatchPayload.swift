/// One request as a provider's batch carries it: OpenAI's JSONL line or Anthropic's
/// `{"custom_id", "params"}` item, the endpoint's model winning, never streamed.
enum BatchPayload {
    /// The encoded line (OpenAI) or item (Anthropic) for `record` at `endpoint`.
    static func item(for record: RequestRecord, customID: String, endpoint: EndpointConfiguration) throws(EngineError) -> [UInt8] {
        var body: JSONValue
        do {
            body = try record.body(in: endpoint.dialect)
        } catch {
            throw .untranslatable(to: endpoint.dialect, error.description)
        }
        if let model = endpoint.model { body = body.setting("model", to: .string(model)) }
        body = body.removing(["stream", "stream_options", "service_tier"])
        let item: JSONValue = switch endpoint.dialect {
        case .openAI:
            .object([JSONField("custom_id", .string(customID)), JSONField("method", "POST"),
                     JSONField("url", .string(record.path ?? "/v1/chat/completions")), JSONField("body", body)])
        case .anthropic:
            .object([JSONField("custom_id", .string(customID)), JSONField("params", body)])
        }
        return item.encodedBytes
    }

    /// The whole batch: OpenAI's JSONL file, or Anthropic's `{"requests": [...]}` body.
    static func assemble(_ items: [[UInt8]], dialect: APIDialect) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(items.reduce(32) { $0 + $1.count + 1 })
        switch dialect {
        case .openAI:
            for item in items { out += item; out.append(UInt8(ascii: "\n")) }
        case .anthropic:
            out += Array("{\"requests\":[".utf8)
            for (index, item) in items.enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                out += item
            }
            out += Array("]}".utf8)
        }
        return out
    }
}

extension JSONValue {
    /// A copy of this object without `keys`.
    func removing(_ keys: Set<String>) -> JSONValue {
        guard case .object(let fields) = self else { return self }
        return .object(fields.filter { !keys.contains($0.key) })
    }
}
