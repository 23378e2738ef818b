extension EndpointConfiguration {
    /// The endpoints with names that tell them apart: where two share a name, an Anthropic endpoint
    /// named after its host:port is called `host:port (anthropic)` (one server can speak both APIs
    /// on one port); names that still repeat get `#2`, `#3`, … in order.
    public static func uniquelyNamed(_ endpoints: [EndpointConfiguration]) -> [EndpointConfiguration] {
        var endpoints = endpoints
        var counts: [String: Int] = [:]
        for endpoint in endpoints { counts[endpoint.name, default: 0] += 1 }
        for index in endpoints.indices where counts[endpoints[index].name, default: 0] > 1 {
            let endpoint = endpoints[index]
            if endpoint.dialect == .anthropic, endpoint.name == endpoint.url.hostAndPort {
                endpoints[index].name = "\(endpoint.name) (anthropic)"
            }
        }
        var seen: [String: Int] = [:]
        for index in endpoints.indices {
            let name = endpoints[index].name
            seen[name, default: 0] += 1
            if seen[name]! > 1 { endpoints[index].name = "\(name)#\(seen[name]!)" }
        }
        return endpoints
    }
}
