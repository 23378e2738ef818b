import Testing
@testable import Engine

@Suite struct EndpointConfigurationNamesTests {
    static func endpoint(_ url: String, _ dialect: APIDialect = .openAI, name: String? = nil) -> EndpointConfiguration {
        var endpoint = EndpointConfiguration(name: name, url: EndpointURL(url)!)
        endpoint.dialect = dialect
        return endpoint
    }

    /// One server speaking both APIs on one port: the Anthropic endpoint is named by its API, not `#2`.
    @Test func bothAPIsOnOnePort() {
        let named = EndpointConfiguration.uniquelyNamed([Self.endpoint("http://127.0.0.1:8080/v1"),
                                                         Self.endpoint("http://127.0.0.1:8080/v1", .anthropic)])
        #expect(named.map(\.name) == ["127.0.0.1:8080", "127.0.0.1:8080 (anthropic)"])
    }

    /// Names that still repeat are numbered in order; distinct names and chosen names are kept.
    @Test func repeatsAreNumbered() {
        let named = EndpointConfiguration.uniquelyNamed([
            Self.endpoint("http://h:1/v1"), Self.endpoint("http://h:1/v1"), Self.endpoint("http://h:1/v1", .anthropic),
            Self.endpoint("http://h:1/v1", .anthropic), Self.endpoint("http://h:2/v1", .anthropic), Self.endpoint("http://h:3/v1", name: "gpu"),
            Self.endpoint("http://h:4/v1", .anthropic, name: "gpu"),
        ])
        #expect(named.map(\.name) == ["h:1", "h:1#2", "h:1 (anthropic)", "h:1 (anthropic)#2", "h:2", "gpu", "gpu#2"])
    }
}
