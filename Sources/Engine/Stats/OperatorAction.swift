/// Something the operator did while the run went (a key, a signal), for the report's timelines.
public struct OperatorAction: Sendable, Hashable {
    /// Seconds since the run started.
    public var at: Double
    /// `pause`, `rate → 1,600/s`, `weight gpu-a → 3`, `quit`.
    public var what: String

    public init(at: Double, what: String) {
        self.at = at
        self.what = what
    }

    /// The label of `command`, naming endpoints by `names`.
    public static func describe(_ command: EngineCommand, names: [String]) -> String {
        func name(_ index: Int) -> String { names.indices.contains(index) ? names[index] : "endpoint \(index)" }
        func number(_ value: Double) -> String {
            value == value.rounded() && abs(value) < 1e15 ? String(Int(value)) : String(format: value)
        }
        switch command {
        case .pause: return "pause"
        case .resume: return "resume"
        case .stop: return "quit"
        case .setRate(let rate): return rate > 0 ? "rate → \(number(rate))/s" : "rate → unlimited"
        case .setWeight(let endpoint, let weight): return weight > 0 ? "weight \(name(endpoint)) → \(number(weight))" : "drain \(name(endpoint))"
        case .setMaxInFlight(let cap): return "in-flight cap → \(cap)"
        case .setEndpointMaxInFlight(let endpoint, let cap): return "in-flight cap \(name(endpoint)) → \(cap)"
        }
    }
}

extension String {
    /// A rate or weight with at most one decimal.
    fileprivate init(format value: Double) {
        self = String((value * 10).rounded() / 10)
    }
}
