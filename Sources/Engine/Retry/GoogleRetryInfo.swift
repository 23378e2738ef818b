/// The wait in a Google error body's `google.rpc.RetryInfo` detail (`"retryDelay": "24s"`), which
/// Gemini's OpenAI-compatible endpoint sends on a 429 instead of a `Retry-After` header. The body
/// may be the error object or a list holding it.
enum GoogleRetryInfo {
    static func delay(in body: [UInt8]) -> Double? {
        guard body.count < 1 << 20, let json = try? JSONParser.parse(body) else { return nil }
        let error = json["error"] ?? json[0]?["error"]
        guard case .array(let details)? = error?["details"] else { return nil }
        for detail in details where detail["@type"]?.stringValue?.hasSuffix("google.rpc.RetryInfo") == true {
            if let text = detail["retryDelay"]?.stringValue, let seconds = ProviderRateLimits.duration(text), seconds > 0 { return seconds }
        }
        return nil
    }
}
