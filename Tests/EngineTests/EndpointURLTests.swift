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

    /// An Azure deployment URL keeps its `?api-version=…` on every request, and a base URL with a query
    /// keeps it after the routed path; descriptions leave the query out.
    @Test func queriesAreKept() throws {
        let azure = try #require(EndpointURL("https://x.openai.azure.com/openai/deployments/d/chat/completions?api-version=2024-10-21"))
        #expect(azure.requestPath(batchPath: nil) == "/openai/deployments/d/chat/completions?api-version=2024-10-21")
        #expect(azure.description == "https://x.openai.azure.com/openai/deployments/d/chat/completions")
        let base = try #require(EndpointURL("http://h:1/v1?tier=a"))
        #expect(base.requestPath(batchPath: "/v1/embeddings") == "/v1/embeddings?tier=a")
        #expect(EndpointURL("http://h:1?x=1")?.requestPath(batchPath: nil) == "/v1/chat/completions?x=1")
    }

    /// A refused URL is explained without repeating the credentials it holds.
    @Test func problemsNeverShowCredentials() {
        let problem = EndpointURL.problem(with: "http://alice:hunter2-secret@h:1/v1")
        #expect(problem.contains("credentials") && !problem.contains("hunter2") && !problem.contains("alice"))
        #expect(URLText.withoutCredentials("https://u:p@proxy:3128") == "https://***@proxy:3128")
        #expect(throws: EngineError.self) { try EndpointFile.parseSpec("http://alice:hunter2@h:1@2") }
        do {
            _ = try EndpointFile.parseSpec("http://alice:hunter2@h:1@x")
        } catch {
            #expect(!error.description.contains("hunter2"))
        }
    }

    /// Names default to host:port; IPv6 literals keep their brackets.
    @Test func namesAndHosts() throws {
        #expect(EndpointURL("http://127.0.0.1:8001/v1")?.hostAndPort == "127.0.0.1:8001")
        #expect(EndpointURL("http://[::1]:8001")?.hostAndPort == "[::1]:8001")
        #expect(EndpointURL("http://[::1]:8001")?.origin == "http://[::1]:8001")
    }

    /// Anything but a plain http(s) URL is refused.
    @Test(arguments: ["ftp://x", "localhost:8000", "http://", "http://h:0", "http://h:99999", "http://u:p@h/v1", "http://h/v1#x", "http://h /v1"])
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
