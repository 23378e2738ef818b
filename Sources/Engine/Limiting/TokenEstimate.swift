/// How many tokens a request will count against a tokens-per-minute limit, guessed before sending.
///
/// The prompt's characters / 4 (rounded up) — the rule of thumb OpenAI documents for English —
/// plus the completion budget the body asks for (`max_tokens` or `max_completion_tokens`, else 0).
/// Providers count the budget before the answer exists; the answer's `usage` corrects the guess.
public enum TokenEstimate {
    public static func tokens(for body: JSONValue) -> Int {
        promptTokens(for: body) + max(0, completionBudget(of: body) ?? 0)
    }

    /// The prompt's characters / 4, rounded up: its messages' text, `prompt` and `input`.
    public static func promptTokens(for body: JSONValue) -> Int {
        var characters = 0
        func count(_ value: JSONValue?) {
            switch value {
            case .string(let text)?: characters += text.unicodeScalars.count
            case .array(let items)?: items.forEach { count($0) }
            case .object?: count(value?["text"])
            default: break
            }
        }
        if case .array(let messages)? = body["messages"] {
            for message in messages { count(message["content"]) }
        }
        count(body["system"])
        count(body["prompt"])
        count(body["input"])
        return (characters + 3) / 4
    }

    /// `max_completion_tokens`, else `max_tokens`, when the body sets one.
    public static func completionBudget(of body: JSONValue) -> Int? {
        body["max_completion_tokens"]?.intValue ?? body["max_tokens"]?.intValue
    }
}
