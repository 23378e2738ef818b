/// What a provider's `x-ratelimit-*` headers say is allowed and left before it starts answering 429.
///
/// `x-ratelimit-remaining-requests` / `-tokens` and `x-ratelimit-reset-requests` / `-tokens`, the
/// resets as durations like `12ms`, `1s`, `6m0s` or `1h2m3.5s`. Nil fields were not sent.
public struct ProviderRateLimits: Sendable, Hashable {
    /// `x-ratelimit-limit-requests`: the allowance per window (a minute, when no reset is sent).
    public var limitRequests: Int?
    public var remainingRequests: Int?
    public var remainingTokens: Int?
    /// Seconds until the request allowance is full again.
    public var resetRequests: Double?
    /// Seconds until the token allowance is full again.
    public var resetTokens: Double?

    public init(limitRequests: Int? = nil, remainingRequests: Int? = nil, remainingTokens: Int? = nil, resetRequests: Double? = nil, resetTokens: Double? = nil) {
        self.limitRequests = limitRequests
        self.remainingRequests = remainingRequests
        self.remainingTokens = remainingTokens
        self.resetRequests = resetRequests
        self.resetTokens = resetTokens
    }

    /// Reads the headers (lower-case names); nil when none of the four is there.
    public init?(headers: [HeaderField]) {
        var found = false
        for header in headers where header.name.hasPrefix("x-ratelimit-") {
            switch header.name {
            case "x-ratelimit-limit-requests": limitRequests = Self.count(header.value)
            case "x-ratelimit-remaining-requests": remainingRequests = Self.count(header.value)
            case "x-ratelimit-remaining-tokens": remainingTokens = Self.count(header.value)
            case "x-ratelimit-reset-requests": resetRequests = Self.duration(header.value)
            case "x-ratelimit-reset-tokens": resetTokens = Self.duration(header.value)
            default: continue
            }
            found = true
        }
        guard found else { return nil }
    }

    private static func count(_ text: String) -> Int? {
        Int(text.trimmingSpaces).flatMap { $0 >= 0 ? $0 : nil }
    }

    /// `12ms`, `1s`, `6m0s`, `1h2m3.5s`, `250us`, or a bare number of seconds; nil if unreadable.
    public static func duration(_ text: String) -> Double? {
        let text = text.trimmingSpaces
        if let seconds = DecimalText.double(text) { return seconds >= 0 && seconds.isFinite ? seconds : nil }
        var total = 0.0
        var number = ""
        var index = text.startIndex
        var sawUnit = false
        while index < text.endIndex {
            let character = text[index]
            if character.isNumber || character == "." {
                number.append(character)
                index = text.index(after: index)
                continue
            }
            var unit = String(character)
            index = text.index(after: index)
            if index < text.endIndex, text[index] == "s", character == "m" || character == "u" || character == "n" || character == "µ" {
                unit.append("s")
                index = text.index(after: index)
            }
            guard let value = DecimalText.double(number), value.isFinite else { return nil }
            switch unit {
            case "h": total += value * 3600
            case "m": total += value * 60
            case "s": total += value
            case "ms": total += value / 1000
            case "us", "µs": total += value / 1_000_000
            case "ns": total += value / 1_000_000_000
            default: return nil
            }
            number = ""
            sawUnit = true
        }
        return sawUnit && number.isEmpty ? total : nil
    }
}
