/// How long sending a file takes at least, given the configured limits and weights.
///
/// Each limit is a floor: the run-wide request rate and tokens per minute, and the endpoints' own
/// `rps`/`rpm`/`tpm` summed over the endpoints that take traffic (the balancer moves requests off an
/// endpoint whose own limit is spent, so together they cap the run only when every one has a limit).
/// The largest floor wins. Retries and slow answers only add to it.
public struct FinishEstimate: Sendable, Hashable {
    public enum Bound: Sendable, Hashable {
        case requestRate
        case tokenRate
        case endpointRequests
        case endpointTokens
    }

    /// Seconds, or nil when nothing is limited (the endpoints' speed decides).
    public var seconds: Double?
    public var bound: Bound?

    public init(records: Int, tokens: Int, configuration: EngineConfiguration) {
        var floors: [(Double, Bound)] = []
        if configuration.rate > 0 { floors.append((Double(records) / configuration.rate, .requestRate)) }
        if configuration.tokensPerMinute > 0 { floors.append((Double(tokens) * 60 / configuration.tokensPerMinute, .tokenRate)) }
        let active = configuration.endpoints.filter { $0.weight > 0 }
        let perSecond = active.compactMap(\.requestsPerSecond)
        if !active.isEmpty, perSecond.count == active.count {
            floors.append((Double(records) / perSecond.reduce(0, +), .endpointRequests))
        }
        let perMinute = active.compactMap(\.tokensPerMinute)
        if !active.isEmpty, perMinute.count == active.count {
            floors.append((Double(tokens) * 60 / perMinute.reduce(0, +), .endpointTokens))
        }
        let longest = floors.max { $0.0 < $1.0 }
        seconds = longest?.0
        bound = longest?.1
    }
}

extension FinishEstimate.Bound: CustomStringConvertible {
    public var description: String {
        switch self {
        case .requestRate: "the request rate limit"
        case .tokenRate: "the tokens-per-minute limit"
        case .endpointRequests: "the endpoints' own request limits"
        case .endpointTokens: "the endpoints' own token limits"
        }
    }
}
