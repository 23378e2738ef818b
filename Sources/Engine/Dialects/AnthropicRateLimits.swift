#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension ProviderRateLimits {
    /// Anthropic's `anthropic-ratelimit-{requests,tokens,input-tokens,output-tokens}-{limit,remaining,reset}`
    /// headers (resets are RFC 3339 times, read against `wallClock`, Unix seconds); nil when none is there.
    /// The token figures are the tightest of tokens, input tokens and output tokens.
    public init?(anthropicHeaders headers: [HeaderField], wallClock: Double) {
        var found = false
        var remaining: [Int] = []
        var resets: [Double] = []
        for header in headers where header.name.hasPrefix("anthropic-ratelimit-") {
            let name = header.name.dropFirst("anthropic-ratelimit-".count)
            let value = header.value.trimmingSpaces
            switch name {
            case "requests-limit": limitRequests = Int(value)
            case "requests-remaining": remainingRequests = Int(value)
            case "requests-reset": resetRequests = Self.rfc3339(value).map { max(0, $0 - wallClock) }
            case "tokens-remaining", "input-tokens-remaining", "output-tokens-remaining":
                if let count = Int(value) { remaining.append(count) }
            case "tokens-reset", "input-tokens-reset", "output-tokens-reset":
                if let time = Self.rfc3339(value) { resets.append(max(0, time - wallClock)) }
            default: continue
            }
            found = true
        }
        guard found else { return nil }
        remainingTokens = remaining.min()
        resetTokens = resets.max()
    }

    /// `2026-12-04T13:05:00Z`, with fractional seconds and a `±hh:mm` offset allowed, as Unix seconds.
    static func rfc3339(_ text: String) -> Double? {
        let bytes = Array(text.utf8)
        guard bytes.count >= 20, bytes[4] == UInt8(ascii: "-"), bytes[7] == UInt8(ascii: "-"),
              bytes[10] == UInt8(ascii: "T") || bytes[10] == UInt8(ascii: "t") || bytes[10] == UInt8(ascii: " "),
              bytes[13] == UInt8(ascii: ":"), bytes[16] == UInt8(ascii: ":") else { return nil }
        func number(_ range: Range<Int>) -> Int? { Int(String(decoding: bytes[range], as: UTF8.self)) }
        guard let year = number(0..<4), let month = number(5..<7), let day = number(8..<10), let hour = number(11..<13),
              let minute = number(14..<16), let second = number(17..<19), (1...12).contains(month), (1...31).contains(day) else { return nil }
        var index = 19
        var fraction = 0.0
        if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
            let start = index
            index += 1
            while index < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[index]) { index += 1 }
            fraction = Double(String(decoding: bytes[start..<index], as: UTF8.self)) ?? 0
        }
        var offset = 0
        guard index < bytes.count else { return nil }
        switch bytes[index] {
        case UInt8(ascii: "Z"), UInt8(ascii: "z"): index += 1
        case UInt8(ascii: "+"), UInt8(ascii: "-"):
            guard bytes.count >= index + 6, let hours = number(index + 1..<index + 3), let minutes = number(index + 4..<index + 6) else { return nil }
            offset = (hours * 3600 + minutes * 60) * (bytes[index] == UInt8(ascii: "-") ? -1 : 1)
            index += 6
        default: return nil
        }
        guard index == bytes.count else { return nil }
        var fields = tm()
        fields.tm_year = Int32(year - 1900)
        fields.tm_mon = Int32(month - 1)
        fields.tm_mday = Int32(day)
        fields.tm_hour = Int32(hour)
        fields.tm_min = Int32(minute)
        fields.tm_sec = Int32(second)
        return Double(timegm(&fields) - offset) + fraction
    }
}
