/// A command the engine takes while it runs.
public enum EngineCommand: Sendable, Hashable {
    case pause
    case resume
    /// Requests per second; 0 lifts the limit.
    case setRate(Double)
    case setWeight(endpoint: Int, weight: Double)
    /// The global in-flight cap.
    case setMaxInFlight(Int)
    /// `max_in_flight auto`: the global cap is lifted; endpoints without a fixed cap find their own.
    case setMaxInFlightAuto
    /// One endpoint's in-flight cap (an automatic one goes on learning from it).
    case setEndpointMaxInFlight(endpoint: Int, Int)
    /// Stop sending; in-flight requests finish and are written.
    case stop
    /// Cancel a batch route's open batches (every route's when nil); their unfinished records go real-time.
    case unbatch(endpoint: Int?)
    /// The command for every shard of the fleet (`"scope": "fleet"`): applied here and written to
    /// the fleet store, which every shard reads within a second. A rate or a cap is the fleet's total.
    indirect case fleetWide(EngineCommand)
}

/// Where a command came from, for the log and the report's operator actions.
public enum CommandSource: String, Sendable, Hashable, CaseIterable {
    /// A key on the run's own dashboard.
    case key
    /// A client of the control endpoint (`fanout attach`, `curl`).
    case control
    /// SIGINT or SIGTERM.
    case signal
    /// The run's own timer (the demo's `--duration`).
    case timer
    /// A caller of the `Engine` API.
    case library
    /// Another shard of the fleet, through the fleet store (`"scope": "fleet"`).
    case fleet
}
