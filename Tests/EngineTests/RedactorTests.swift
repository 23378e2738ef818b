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
}
