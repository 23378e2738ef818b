/// Removes secrets from text that may reach a file, a log or the screen.
///
/// Replaces every configured secret (API keys, extra header values, proxy credentials in every
/// form a proxy could echo) and anything shaped like an
/// OpenAI key (`sk-` and 8+ key characters, which servers echo masked in 401 messages).
public struct Redactor: Sendable {
    private let secrets: [String]

    public init(secrets: [String]) {
        self.secrets = secrets.filter { $0.count >= 4 }.sorted { $0.count > $1.count }
    }

    public init(endpoints: [EndpointConfiguration]) {
        var secrets: [String] = []
        for endpoint in endpoints {
            if let key = endpoint.apiKey { secrets.append(key) }
            secrets += endpoint.headers.map(\.value)
            secrets += endpoint.route.proxy?.secrets ?? []
        }
        self.init(secrets: secrets)
    }

    /// Characters of an error message kept for files, logs and the screen.
    public static let messageLimit = 200

    /// An error's text ready to show: secrets removed first, then cut to `messageLimit` characters,
    /// so a cut can never leave part of a secret behind.
    public func message(for error: EngineError) -> String {
        let text = redact(error.description)
        return text.count > Self.messageLimit ? String(text.prefix(Self.messageLimit)) + "…" : text
    }

    public func redact(_ text: String) -> String {
        var result = text
        for secret in secrets where result.contains(secret) {
            result = result.replacing(secret, with: "[redacted]")
        }
        return Self.maskKeyShapes(result)
    }

    private static func maskKeyShapes(_ text: String) -> String {
        guard text.contains("sk-") else { return text }
        var output = ""
        var rest = Substring(text)
        while let range = rest.firstRange(of: "sk-") {
            output += rest[..<range.lowerBound]
            var end = range.upperBound
            while end < rest.endIndex, rest[end].isLetter || rest[end].isNumber || "-_*.".contains(rest[end]) {
                end = rest.index(after: end)
            }
            output += rest.distance(from: range.upperBound, to: end) >= 8 ? "sk-[redacted]" : String(rest[range.lowerBound..<end])
            rest = rest[end...]
        }
        return output + rest
    }
}
