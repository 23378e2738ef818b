/// What the control endpoint reads and steers: a running engine, or anything that looks like one.
public protocol ControlBackend: Sendable {
    /// The run's state now.
    func status() async -> StatusDocument
    /// Applies a command; returns once it is in effect (as `Engine.perform` does).
    func perform(_ command: EngineCommand) async
}

/// Where the server's limits come from; the defaults bound what any client can make it hold.
public struct ControlLimits: Sendable {
    /// Connections open at once; more are closed as they arrive.
    public var connections = 64
    /// The largest request body, bytes (a command is a few dozen).
    public var bodyBytes = 64 * 1024
    /// Seconds a connection may take to send a whole request, and may sit idle between requests.
    public var requestSeconds = 10.0
    /// Events a second on `/v1/events`, at most.
    public var eventsPerSecond = 10.0

    public init() {}
}
