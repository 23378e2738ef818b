/// Everything the dashboard and the summary show, as one value taken at one moment.
@dynamicMemberLookup
public struct StatsSnapshot: Sendable, Hashable {
    public enum RunState: String, Sendable, Hashable {
        case running = "RUNNING", paused = "PAUSED", draining = "DRAINING", done = "DONE"
    }

    /// The scheduler's state when the snapshot was taken: pause, limits, load. The figures below
    /// name its fields for reading (`targetRate`, `inFlight`, …), and `state` sums it up.
    public var control = ControlState()
    /// Seconds since the run started.
    public var elapsed: Double = 0
    /// Attempts sent per second over the last 5 s.
    public var measuredRate: Double = 0
    /// Records finished (saved or failed) per second over the last 5 s.
    public var completionRate: Double = 0
    /// Attempts sent per second for each of the last 60 seconds, oldest first.
    public var rateHistory: [Double] = []
    public var read = 0
    public var sent = 0
    public var succeeded = 0
    public var failed = 0
    public var retries = 0
    /// Requests the exchange sent again on its own (`StatsEvent.resent`), counted in `sent` too.
    public var resends = 0
    public var badLines = 0
    /// Records skipped because an earlier run had finished them.
    public var resumed = 0
    public var promptTokens = 0
    public var completionTokens = 0
    /// Failed attempts by kind (final or not), bad lines included.
    public var errorsByKind: [ErrorKind: Int] = [:]
    public var recentErrors: [ErrorEntry] = []
    /// The first bad input line's message (`line 1: not valid JSON …`), for the summary.
    public var firstBadLine: String?
    public var endpoints: [EndpointSnapshot] = []
    public var progress = SourceProgress()
    /// Tokens, TTFT, ITL, TPOT and goodput over every endpoint.
    public var tokens = TokenFigures()
    /// The `--slo` targets goodput is counted against (nil: none given).
    public var serviceLevels: ServiceLevels?

    public init() {}

    public var state: RunState {
        get { control.isFinished ? .done : control.isStopping ? .draining : control.isPaused ? .paused : .running }
        set {
            control.isFinished = newValue == .done
            control.isStopping = newValue == .draining
            control.isPaused = newValue == .paused
        }
    }

    /// The scheduler's figures read through the snapshot: `targetRate` (requests per second allowed,
    /// 0 for unlimited), `tokensPerMinute` (0 for unlimited), `inFlight`, `maxInFlight`,
    /// `inFlightIsAuto` (`--max_in_flight auto`: the endpoints' own caps bind), `pendingRetries`.
    public subscript<Value>(dynamicMember field: WritableKeyPath<ControlState, Value>) -> Value {
        get { control[keyPath: field] }
        set { control[keyPath: field] = newValue }
    }

    /// Records with a final outcome (saved, failed, or a bad line).
    public var done: Int { succeeded + failed }
    /// Sends that were attempts of records: resends (the server never saw the send before) are not.
    public var attempts: Int { max(0, sent - resends) }

    /// The share of finished records that met every `--slo` target (nil before any finished).
    public var goodShare: Double? { done > 0 ? Double(tokens.good) / Double(done) : nil }
}

/// One endpoint's figures.
@dynamicMemberLookup
public struct EndpointSnapshot: Sendable, Hashable {
    public typealias State = EndpointStatus

    public var name: String
    public var url: String
    public var initialWeight: Double
    /// The endpoint's live settings and load when the snapshot was taken; the figures below name
    /// its fields for reading (`weight`, `inFlight`, `state`, `limits`, …).
    public var control: EndpointControl
    public var sent = 0
    public var succeeded = 0
    /// Failed attempts, retried or not.
    public var errors = 0
    /// Attempts sent here that were retries.
    public var retries = 0
    /// Requests the exchange sent here again on its own, counted in `sent` too.
    public var resends = 0
    /// Records whose last attempt failed here (went to the errors file).
    public var failedRecords = 0
    /// Share of the weights of all endpoints with weight > 0.
    public var targetShare: Double = 0
    /// Share of the attempts sent over the last 5 s.
    public var actualShare: Double = 0
    /// Latency percentiles in seconds (nil before the first answer).
    public var p50: Double?
    public var p90: Double?
    public var p99: Double?
    /// The last failed attempt's reason here (redacted), nil before the first failure.
    public var lastError: String?
    /// Every answer's latency (errors included) at fixed bounds, for metrics.
    public var latencyBuckets = LatencyBuckets()
    /// The same latencies in log bins, for the distribution chart.
    public var latencyDistribution = Distribution()
    /// Tokens, TTFT, ITL, TPOT and goodput of this endpoint's answers.
    public var tokens = TokenFigures()

    /// The share of the records finished here that met every `--slo` target (nil before any finished).
    public var goodShare: Double? {
        succeeded + failedRecords > 0 ? Double(tokens.good) / Double(succeeded + failedRecords) : nil
    }

    public init(name: String, url: String, initialWeight: Double, control: EndpointControl) {
        self.name = name
        self.url = url
        self.initialWeight = initialWeight
        self.control = control
    }

    public init(name: String, url: String, weight: Double, initialWeight: Double, state: State) {
        self.init(name: name, url: url, initialWeight: initialWeight, control: EndpointControl(weight: weight, inFlight: 0, status: state))
    }
}

/// One recent error for the dashboard's list.
public struct ErrorEntry: Sendable, Hashable {
    /// Seconds since the run started.
    public var at: Double
    /// Endpoint name, or `input` for a bad line.
    public var source: String
    /// The reason (redacted), or a bad line's `line N: …`.
    public var message: String
    /// What became of the attempt (nil for a bad line).
    public var note: FailureNote?

    public init(at: Double, source: String, message: String, note: FailureNote? = nil) {
        self.at = at
        self.source = source
        self.message = message
        self.note = note
    }
}
