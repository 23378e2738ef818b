import Engine

extension OperatorAction {
    /// The action as the report labels it: `pause`, `rate → 1600/s`, `weight gpu-a → 3`, `drain gpu-a`, `quit`.
    var what: String {
        let name = endpoint ?? command.endpointIndex.map { "endpoint \($0)" } ?? ""
        switch command {
        case .pause: return "pause"
        case .resume: return "resume"
        case .stop: return "quit"
        case .setRate(let rate): return rate > 0 ? "rate → \(Self.number(rate))/s" : "rate → unlimited"
        case .setWeight(_, let weight): return weight > 0 ? "weight \(name) → \(Self.number(weight))" : "drain \(name)"
        case .setMaxInFlight(let cap): return "in-flight cap → \(cap)"
        case .setMaxInFlightAuto: return "in-flight cap → auto"
        case .setEndpointMaxInFlight(_, let cap): return "in-flight cap \(name) → \(cap)"
        case .unbatch(let endpoint): return endpoint == nil ? "unbatch all" : "unbatch \(name)"
        case .fleetWide(let inner):
            var action = self
            action.command = inner
            return action.what + " (fleet)"
        }
    }

    /// Who gave it, as the report's table says: `key`, `control client`, `signal`, `timer`, `library`.
    var by: String { source == .control ? "control client" : source.rawValue }

    /// A rate or weight: whole, or with one decimal.
    private static func number(_ value: Double) -> String {
        if let whole = Format.integer(value), Double(whole) == value { return String(whole) }
        return String((value * 10).rounded() / 10)
    }
}
