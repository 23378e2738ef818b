/// Joins the pieces of streamed tool calls into OpenAI's `tool_calls` shape.
///
/// Each chunk's `delta.tool_calls` holds pieces by `index`: the first carries `id`, `type` and
/// `function.name`; later ones add to `function.arguments`, a JSON string kept exactly as sent.
struct ToolCallAssembler: Sendable {
    private struct Call: Sendable {
        var id: JSONValue = .null
        var type: JSONValue = "function"
        var name = ""
        var arguments = ""
    }

    private var calls: [Int: Call] = [:]

    var isEmpty: Bool { calls.isEmpty }

    mutating func add(_ pieces: [JSONValue]) {
        for (position, piece) in pieces.enumerated() {
            let index = piece["index"]?.intValue ?? position
            var call = calls[index] ?? Call()
            if let id = piece["id"], id != .null { call.id = id }
            if let type = piece["type"], type != .null { call.type = type }
            if let name = piece["function"]?["name"]?.stringValue { call.name += name }
            if let arguments = piece["function"]?["arguments"]?.stringValue { call.arguments += arguments }
            calls[index] = call
        }
    }

    /// The calls in index order.
    var toolCalls: JSONValue {
        .array(calls.keys.sorted().map { index in
            let call = calls[index]!
            return .object([
                JSONField("id", call.id),
                JSONField("type", call.type),
                JSONField("function", .object([JSONField("name", .string(call.name)), JSONField("arguments", .string(call.arguments))])),
            ])
        })
    }
}
