import Engine

/// The answers a mock endpoint sends: OpenAI-shaped completions, errors and SSE streams.
enum MockReply {
    /// The prompt of a request body: the last user message, or a completion's `prompt`.
    static func prompt(of body: JSONValue) -> String {
        if case .array(let messages)? = body["messages"] {
            for message in messages.reversed() where message["role"]?.stringValue == "user" {
                if let text = message["content"]?.stringValue { return text }
                return message["content"]?.encodedString ?? ""
            }
        }
        return body["prompt"]?.stringValue ?? ""
    }

    /// A deterministic answer derived from the prompt.
    static func answer(to prompt: String) -> String {
        let words = prompt.split(separator: " ").prefix(24).joined(separator: " ")
        return "Answer to: \(words)"
    }

    /// Words the answers of a fixed length are made of.
    static let filler = ["alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel"]

    /// The answer to `prompt` as tokens (a token is about four bytes, as the usage counts them):
    /// `outputTokens` tokens when given, else the prompt-derived answer cut into pieces; at most
    /// `maxTokens` (then `isCut`).
    static func tokens(to prompt: String, outputTokens: Int?, maxTokens: Int?) -> (pieces: [String], isCut: Bool) {
        var pieces: [String]
        if let outputTokens {
            pieces = (0..<max(1, outputTokens)).map { ($0 == 0 ? "" : " ") + filler[$0 % filler.count] }
        } else {
            let characters = Array(answer(to: prompt))
            let count = max(1, characters.count / 4)
            pieces = (0..<count).map { index in
                let from = index * characters.count / count
                let to = (index + 1) * characters.count / count
                return String(characters[from..<to])
            }
        }
        guard let maxTokens, maxTokens > 0, pieces.count > maxTokens else { return (pieces, false) }
        return (Array(pieces.prefix(maxTokens)), true)
    }

    static func usage(promptTokens: Int, completionTokens: Int) -> JSONValue {
        .object([JSONField("prompt_tokens", .number(promptTokens)),
                 JSONField("completion_tokens", .number(completionTokens)),
                 JSONField("total_tokens", .number(promptTokens + completionTokens))])
    }

    static func promptTokens(_ prompt: String) -> Int { max(1, prompt.utf8.count / 4) }

    /// A `chat.completion` (`choices[0].message`) or, for `/v1/completions`, a `text_completion` (`choices[0].text`).
    static func completion(id: Int, model: String, prompt: String, pieces: [String], isCut: Bool, chat: Bool) -> [UInt8] {
        let text = pieces.joined()
        let payload = chat
            ? JSONField("message", .object([JSONField("role", "assistant"), JSONField("content", .string(text))]))
            : JSONField("text", .string(text))
        let choice = JSONValue.object([JSONField("index", 0), payload, JSONField("finish_reason", isCut ? "length" : "stop")])
        return JSONValue.object([
            JSONField("id", .string((chat ? "chatcmpl-mock" : "cmpl-mock") + String(id))),
            JSONField("object", chat ? "chat.completion" : "text_completion"),
            JSONField("created", 1_700_000_000),
            JSONField("model", .string(model)),
            JSONField("choices", [choice]),
            JSONField("usage", usage(promptTokens: promptTokens(prompt), completionTokens: pieces.count)),
        ]).encodedBytes
    }

    /// An answer as server-sent events in one buffer, one event per token: `ends[i]` is where token
    /// `i`'s part ends. The first part opens with a chat stream's role chunk; the last carries the
    /// finish chunk, the usage chunk when `includeUsage`, then `[DONE]`. Built from byte templates,
    /// not JSON trees: the benchmark streams well over 100,000 tokens a second.
    struct Stream: Sendable {
        var bytes: [UInt8]
        var ends: [Int]
    }

    static func stream(id: Int, model: String, prompt: String, pieces: [String], isCut: Bool, chat: Bool, includeUsage: Bool) -> Stream {
        var head = Array(#"data: {"id":""#.utf8) + Array(((chat ? "chatcmpl-mock" : "cmpl-mock") + String(id)).utf8)
        head += Array(#"","object":"#.utf8) + Array((chat ? #""chat.completion.chunk""# : #""text_completion""#).utf8)
        head += Array(#","created":1700000000,"model":"#.utf8)
        JSONValue.encodeString(model, into: &head)
        head += Array(#","choices":["#.utf8)
        let contentOpen = Array((chat ? #"{"index":0,"delta":{"content":"# : #"{"index":0,"text":"#).utf8)
        let contentClose = Array((chat ? #"},"finish_reason":null}]}"# : #","finish_reason":null}]}"#).utf8) + [0x0A, 0x0A]
        var bytes: [UInt8] = []
        bytes.reserveCapacity(pieces.count * (head.count + 64) + 512)
        var ends: [Int] = []
        if chat {
            bytes += head + Array(#"{"index":0,"delta":{"role":"assistant","content":""},"finish_reason":null}]}"#.utf8) + [0x0A, 0x0A]
        }
        for piece in pieces {
            bytes += head
            bytes += contentOpen
            JSONValue.encodeString(piece, into: &bytes)
            bytes += contentClose
            ends.append(bytes.count)
        }
        let finish = isCut ? #""length""# : #""stop""#
        bytes += head + Array((chat ? #"{"index":0,"delta":{},"finish_reason":"# : #"{"index":0,"text":"","finish_reason":"#).utf8)
            + Array(finish.utf8) + Array("}]}".utf8) + [0x0A, 0x0A]
        if includeUsage {
            bytes += head + Array("],\"usage\":".utf8)
            usage(promptTokens: promptTokens(prompt), completionTokens: pieces.count).encode(into: &bytes)
            bytes += Array("}".utf8) + [0x0A, 0x0A]
        }
        bytes += Array("data: [DONE]\n\n".utf8)
        ends[ends.count - 1] = bytes.count
        return Stream(bytes: bytes, ends: ends)
    }

    static func error(status: Int, message: String, type: String, code: String? = nil) -> [UInt8] {
        JSONValue.object([JSONField("error", .object([
            JSONField("message", .string(message)), JSONField("type", .string(type)), JSONField("code", code.map { .string($0) } ?? .null),
        ]))]).encodedBytes
    }
}

/// What the mock reads from a request body.
struct MockRequest: Sendable {
    var prompt: String
    var model: String
    var stream: Bool
    /// `stream_options.include_usage`: the stream ends with a usage chunk.
    var includeUsage: Bool
    /// The body has `stream_options` at all.
    var hasStreamOptions: Bool
    /// `max_tokens` (or `max_completion_tokens`).
    var maxTokens: Int?
    var isChat: Bool
    /// An Anthropic Messages request: answered in Anthropic's shapes.
    var anthropic = false

    init(body json: JSONValue, isChat: Bool, anthropic: Bool = false) {
        self.anthropic = anthropic
        prompt = MockReply.prompt(of: json)
        model = json["model"]?.stringValue ?? "mock-model"
        stream = json["stream"] == .bool(true)
        includeUsage = json["stream_options"]?["include_usage"] == .bool(true)
        hasStreamOptions = json["stream_options"] != nil
        maxTokens = json["max_tokens"]?.intValue ?? json["max_completion_tokens"]?.intValue
        self.isChat = isChat
    }
}
