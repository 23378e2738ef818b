/// A command the engine takes while it runs.
public enum EngineCommand: Sendable, Hashable {
    case pause
    case resume
    /// Requests per second; 0 lifts the limit.
    case setRate(Double)
    case setWeight(endpoint: Int, weight: Double)
    /// The global in-flight cap.
    case setMaxInFlight(Int)
    /// One endpoint's in-flight cap (an automatic one goes on learning from it).
    case setEndpointMaxInFlight(endpoint: Int, Int)
    /// Stop sending; in-flight requests finish and are written.
    case stop
}
