import Testing
@testable import Engine

@Suite struct RedactorTests {
    /// Configured secrets and key-shaped text are removed; other text is untouched.
    @Test func removesSecrets() {
        let redactor = Redactor(secrets: ["hunter2-token", "ab"])
        #expect(redactor.redact("bad token hunter2-token here") == "bad token [redacted] here")
        #expect(redactor.redact("Incorrect API key provided: sk-proj-abc123***********xyz.") == "Incorrect API key provided: sk-[redacted]")
        #expect(redactor.redact("ask-me and sk-1 stay") == "ask-me and sk-1 stay")
    }

    /// A key echoed after 170 characters of padding is removed before the message is cut, so no part of
    /// it survives (JSON error messages and plain-text bodies alike).
    @Test func redactsBeforeCutting() {
        let key = "plainSecretToken_ZZ9876abcdef0123456789"
        let redactor = Redactor(secrets: [key])
        let padding = String(repeating: "x", count: 170)
        let bodies = [Array(#"{"error":{"message":"\#(padding) \#(key) was refused"}}"#.utf8), Array("\(padding) \(key) refused".utf8)]
        for body in bodies {
            guard case .failure(let error) = ResponseParser.interpret(TransportResponse(status: 401, body: body), wallClock: 0) else {
                Issue.record("a 401 was not a failure"); continue
            }
            let message = redactor.message(for: error)
            #expect(message.count <= Redactor.messageLimit + 1)
            for length in 6...key.count {
                #expect(!message.contains(key.prefix(length)), "\(message)")
            }
        }
    }

    /// Proxy credentials are secrets in every form a proxy could echo: decoded, as written, the
    /// password alone, and the Base64 of Proxy-Authorization.
    @Test func proxyCredentials() throws {
        var endpoint = EndpointConfiguration(url: EndpointURL("http://gpu:8000")!, weight: 1)
        let proxy = try ProxyServer.parse("http://alice:s%40cret-pw@proxy:3128")
        endpoint.route = ProxyRoute(proxy: proxy, reason: "--proxy")
        let redactor = Redactor(endpoints: [endpoint])
        let base64 = Base64.encode(Array("alice:s@cret-pw".utf8))
        let echoed = "407 bad Proxy-Authorization Basic \(base64) for alice:s@cret-pw (alice:s%40cret-pw) pw=s@cret-pw"
        let text = redactor.redact(echoed)
        #expect(!text.contains("s@cret-pw") && !text.contains(base64) && !text.contains("s%40cret"), "\(text)")
    }
}
