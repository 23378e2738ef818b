import Engine

/// What the screen shows that does not change during a run.
public struct RenderContext: Hashable, Sendable {
    /// The input's file name (`stdin` for `-`).
    public var inputName: String
    public var saveName: String
    /// Lines in the input when counted (nil for stdin, or before the count finishes).
    public var totalLines: Int?
    /// The port `--metrics_port` serves on, when it does.
    public var metricsPort: Int?
    /// Where `--report` writes the report once the dashboard closes.
    public var reportPath: String?
    /// How another terminal reaches this run (`fanout attach 4242`), when it has a control endpoint.
    public var attachHint: String?
    /// Attached: which run this is (`attached to pid 4242`); nil for the run's own dashboard.
    public var attachment: String?
    /// Attached: the run's exit code, once it has one.
    public var exitCode: Int32?
    /// A fleet: each shard's row, drawn as the Shards table (empty for one run).
    public var shards: [ShardRow] = []
    /// Attached: why the figures are not live (`lost the run …: reconnecting`), nil while they are.
    public var link: String?
    /// Attached: figures out of bounds were held (`StatusDocument.bounded`); the footer says so.
    public var suspect = false

    public static let suspectNotice = "the status holds impossible figures (held within bounds): treat them as suspect"

    public init(inputName: String, saveName: String, totalLines: Int? = nil, metricsPort: Int? = nil) {
        self.inputName = inputName
        self.saveName = saveName
        self.totalLines = totalLines
        self.metricsPort = metricsPort
    }
}

extension RenderContext {
    /// The metrics page's address, when metrics are served.
    var metricsURL: String? { metricsPort.map { MetricsServer.url(port: $0) } }
}
