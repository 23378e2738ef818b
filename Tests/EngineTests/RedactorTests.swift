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
}
