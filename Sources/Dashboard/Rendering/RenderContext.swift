import Engine

/// What the screen shows that does not change during a run.
struct RenderContext: Hashable, Sendable {
    /// The input's file name (`stdin` for `-`).
    var inputName: String
    var saveName: String
    /// Lines in the input when counted (nil for stdin, or before the count finishes).
    var totalLines: Int?
    /// The port `--metrics_port` serves on, when it does.
    var metricsPort: Int?
    /// Where `--report` writes the report once the dashboard closes.
    var reportPath: String?
    /// How another terminal reaches this run (`fanout attach 4242`), when it has a control endpoint.
    var attachHint: String?
    /// Attached: which run this is (`attached to pid 4242`); nil for the run's own dashboard.
    var attachment: String?
    /// Attached: the run's exit code, once it has one.
    var exitCode: Int32?
    /// A fleet: each shard's row, drawn as the Shards table (empty for one run).
    var shards: [ShardRow] = []
    /// Attached: why the figures are not live (`lost the run …: reconnecting`), nil while they are.
    var link: String?
    /// Attached: figures out of bounds were held (`StatusDocument.bounded`); the footer says so.
    var suspect = false

    static let suspectNotice = "the status holds impossible figures (held within bounds): treat them as suspect"

    init(inputName: String, saveName: String, totalLines: Int? = nil, metricsPort: Int? = nil) {
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
