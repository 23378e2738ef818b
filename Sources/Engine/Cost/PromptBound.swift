/// The most prompt tokens a request can be billed for, computed from its bytes: what `--max_cost`
/// reserves, so the cap is a bound and not an estimate.
///
/// No BPE tokenizer makes more tokens than the UTF-8 bytes it reads, so every string in the
/// messages (text, names, roles, tool calls and results), `system`, `prompt` and `input` counts
/// its bytes; `tools`, `functions`, `response_format` and `tool_choice` count their JSON bytes;
/// each message adds `perMessage` tokens and the request `perRequest` for the chat template; each
/// image counts `perImage` tokens instead of its bytes (the largest any model bills for one
/// picture: 30,000 on OpenAI, whose gpt-4o-mini bills an image at up to ~28,000, and 5,000 on
/// Anthropic, which bills about width × height / 750 of an image it resizes to ~1.15 megapixels).
/// The chars/4 `TokenEstimate` stays the projection's guess.
public enum PromptBound {
    public static let perRequest = 16
    public static let perMessage = 16
    public static let perImageOpenAI = 30_000
    public static let perImageAnthropic = 5_000

    /// The bound for `body` as sent to an endpoint of `dialect`.
    public static func tokens(for body: JSONValue, dialect: APIDialect = .openAI) -> Int {
        var counter = Counter(perImage: dialect == .anthropic ? perImageAnthropic : perImageOpenAI)
        if case .array(let messages)? = body["messages"] {
            for message in messages {
                counter.total = counter.total.saturatingAdding(perMessage)
                counter.count(message)
            }
        }
        for key in ["system", "prompt", "input"] { counter.count(body[key]) }
        for key in ["tools", "functions", "response_format", "tool_choice"] {
            guard let value = body[key] else { continue }
            var bytes: [UInt8] = []
            value.encode(into: &bytes)
            counter.total = counter.total.saturatingAdding(bytes.count)
        }
        return counter.total.saturatingAdding(perRequest)
    }

    /// The answers a request asks for (`n`, at least 1): its output budget counts this many times.
    public static func choices(in body: JSONValue) -> Int {
        max(1, min(body["n"]?.intValue ?? 1, 128))
    }

    private struct Counter {
        let perImage: Int
        var total = 0

        mutating func count(_ value: JSONValue?) {
            switch value {
            case .string(let text)?: total = total.saturatingAdding(text.utf8.count)
            case .array(let items)?: items.forEach { count($0) }
            case .object(let fields)?:
                if Self.isImage(value!) {
                    total = total.saturatingAdding(perImage)
                    return
                }
                for field in fields { count(field.value) }
            default: break
            }
        }

        /// A content part that is a picture: OpenAI's `image_url`/`input_image`, Anthropic's `image`.
        static func isImage(_ part: JSONValue) -> Bool {
            guard let type = part["type"]?.stringValue else { return part["image_url"] != nil }
            return ["image_url", "input_image", "image"].contains(type)
        }
    }
}
