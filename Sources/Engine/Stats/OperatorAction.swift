/// Something the operator did while the run went (a key, a signal), for the report's timelines:
/// the command as data, which the report words (`OperatorAction+Words` in the dashboard).
public struct OperatorAction: Sendable, Hashable {
    /// Seconds since the run started.
    public var at: Double
    public var command: EngineCommand
    /// The name of the endpoint the command names (nil: it names none).
    public var endpoint: String?
    /// Who gave it: a key, a control client, a signal.
    public var source: CommandSource

    public init(at: Double, command: EngineCommand, endpoint: String? = nil, source: CommandSource = .library) {
        self.at = at
        self.command = command
        self.endpoint = endpoint
        self.source = source
    }
}

extension EngineCommand {
    /// The index of the endpoint the command names, if it names one.
    public var endpointIndex: Int? {
        switch self {
        case .setWeight(let endpoint, _), .setEndpointMaxInFlight(let endpoint, _): endpoint
        case .unbatch(let endpoint): endpoint
        case .fleetWide(let inner): inner.endpointIndex
        default: nil
        }
    }
}
