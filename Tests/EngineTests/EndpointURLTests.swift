import Testing
@testable import Engine

@Suite struct EndpointURLTests {
    /// A base URL (empty path or ending in /v1) routes chat lines to /chat/completions and Batch lines by their url.
    @Test func baseURLs() throws {
        let empty = try #require(EndpointURL("http://gpu-a:8000"))
        #expect(empty.requestPath(batchPath: nil) == "/v1/chat/completions")
        let v1 = try #require(EndpointURL("https://api.openai.com/v1/"))
        #expect(v1.port == 443 && v1.isTLS)
        #expect(v1.requestPath(batchPath: nil) == "/v1/chat/completions")
        #expect(v1.requestPath(batchPath: "/v1/completions") == "/v1/completions")
        let proxied = try #require(EndpointURL("http://h:1/proxy/v1"))
        #expect(proxied.requestPath(batchPath: "/v1/embeddings") == "/proxy/v1/embeddings")
    }

    /// Any longer path is used as given for every request.
    @Test func fixedPath() throws {
        let fixed = try #require(EndpointURL("http://127.0.0.1:9000/openai/deployments/x/chat/completions"))
        #expect(fixed.requestPath(batchPath: "/v1/completions") == "/openai/deployments/x/chat/completions")
    }

    /// Names default to host:port; IPv6 literals keep their brackets.
    @Test func namesAndHosts() throws {
        #expect(EndpointURL("http://127.0.0.1:8001/v1")?.hostAndPort == "127.0.0.1:8001")
        #expect(EndpointURL("http://[::1]:8001")?.hostAndPort == "[::1]:8001")
        #expect(EndpointURL("http://[::1]:8001")?.origin == "http://[::1]:8001")
    }

    /// Anything but a plain http(s) URL is refused.
    @Test(arguments: ["ftp://x", "localhost:8000", "http://", "http://h:0", "http://h:99999", "http://u:p@h/v1", "http://h/v1?x=1"])
    func rejects(_ text: String) { #expect(EndpointURL(text) == nil) }

    /// `URL@WEIGHT` takes the number after the last @; a bad weight is a clear error.
    @Test func specs() throws {
        let (url, weight) = try EndpointFile.parseSpec("http://127.0.0.1:8001/v1@2.5")
        #expect(url.port == 8001 && weight == 2.5)
        #expect(try EndpointFile.parseSpec("http://h:1").weight == 1)
        #expect(throws: EngineError.self) { try EndpointFile.parseSpec("http://h:1@-1") }
        #expect(throws: EngineError.self) { try EndpointFile.parseSpec("http://h:1@abc") }
    }
}
