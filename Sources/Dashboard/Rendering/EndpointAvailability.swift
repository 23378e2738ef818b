import Engine

/// Which endpoints can take a request now, and why the others cannot, in words for the progress
/// line and the dashboard: `gpu-b ejected 4.0s: connection refused`, `waiting 59m for gpu-a (Retry-After)`;
/// a usable endpoint that has only failed since its last answer is named too (`gpu-c failing: …`).
public struct EndpointAvailability: Equatable {
    var usable = 0
    var total = 0
    var reasons: [String] = []

    public init(_ endpoints: [EndpointSnapshot]) {
        total = endpoints.count
        for endpoint in endpoints {
            switch endpoint.state {
            case .ready, .probing:
                usable += 1
                if endpoint.isFailing, let error = endpoint.lastError { reasons.append("\(endpoint.name) failing: \(error)") }
            case .drained: reasons.append("\(endpoint.name) drained")
            case .outOfFunds: reasons.append("\(endpoint.name) out of money")
            case .ejected(let seconds):
                reasons.append("\(endpoint.name) ejected \(Format.wait(seconds))" + (endpoint.lastError.map { ": \($0)" } ?? ""))
            case .cooling(let seconds, let reason):
                let why = switch reason {
                case .providerLimit: "rate-limit headers"
                case .tooManyRequests: "429"
                case .unavailable: "503 Retry-After"
                }
                reasons.append("waiting \(Format.wait(seconds)) for \(endpoint.name) (\(why))")
            }
        }
    }

    /// `endpoints 1/2 usable (gpu-b ejected 4.0s: connection refused)`.
    public var summary: String {
        let head = "endpoints \(usable)/\(total) usable"
        return reasons.isEmpty ? head : head + " (" + reasons.joined(separator: "; ") + ")"
    }
}
