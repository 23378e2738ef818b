/// Recognises a provider saying the account is out of money, as opposed to over a rate.
///
/// OpenAI: `insufficient_quota` (a 429's `error.code` or `type`), `billing_hard_limit_reached`,
/// `billing_not_active`. Anthropic: `billing_error`, and the `invalid_request_error` messages for
/// a credit balance too low or a workspace spend limit reached.
enum SpendLimit {
    static let codes: Set<String> = ["insufficient_quota", "billing_hard_limit_reached", "billing_not_active", "billing_error"]
    static let phrases = ["credit balance is too low", "reached your specified api usage limits", "spend limit"]

    /// The code or phrase that says so, or nil.
    static func reason(status: Int, code: String?, type: String?, message: String?) -> String? {
        guard (400..<500).contains(status) else { return nil }
        for value in [code, type] { if let value, codes.contains(value) { return value } }
        guard let message = message?.lowercased() else { return nil }
        return phrases.first { message.contains($0) }.map { _ in "spend limit" }
    }
}
