import Histogram

/// Adds up stats events into counters, rates and latency histograms; makes snapshots.
///
/// A plain value: the `StatsRecorder` actor owns one, and tests drive one directly with chosen times.
public struct StatsAccumulator: Sendable {
    struct EndpointCounters: Sendable {
        var sent = 0
        var succeeded = 0
        var errors = 0
        var retries = 0
        var resends = 0
        /// Records whose last attempt failed here.
        var failedRecords = 0
        var lastError: String?
        var recentSends = RateMeter(bucketWidth: 0.5, buckets: 12)
        /// Latency in microseconds, 1 µs to 1 hour, three significant digits.
        var latency = Histogram<UInt64>(highestTrackableValue: 3_600_000_000, numberOfSignificantValueDigits: .three)
        /// The same latencies at Prometheus bucket bounds, and in log bins for the chart.
        var buckets = LatencyBuckets()
        var distribution = Distribution()
        var tokens = TokenCounters()
    }

    public static let recentErrorLimit = 8

    private let names: [String]
    private let urls: [String]
    private let initialWeights: [Double]
    private let maxInFlight: [Int?]
    private var endpoints: [EndpointCounters]
    private var totals = StatsSnapshot()
    private var sends = RateMeter(bucketWidth: 1, buckets: 62)
    private var recentSends = RateMeter(bucketWidth: 0.5, buckets: 12)
    private var completions = RateMeter(bucketWidth: 0.5, buckets: 12)
    private var control = ControlState()
    private var tokens = TokenCounters()
    private let serviceLevels: ServiceLevels?
    /// The figures over time and what the operator did, for the report.
    public private(set) var timeline = Timeline()
    public private(set) var actions: [OperatorAction] = []
    /// The cumulative counts at the last timeline sample.
    private var sampled: [TimelineSeries: Double] = [:]
    /// Operator actions kept at most (a key held down for hours stays bounded).
    public static let actionLimit = 10_000

    /// - Parameter serviceLevels: the `--slo` targets, shown beside the goodput they count.
    public init(endpoints: [EndpointConfiguration], serviceLevels: ServiceLevels? = nil) {
        self.serviceLevels = serviceLevels
        names = endpoints.map(\.name)
        urls = endpoints.map(\.url.description)
        initialWeights = endpoints.map(\.weight)
        maxInFlight = endpoints.map(\.maxInFlight)
        self.endpoints = Array(repeating: EndpointCounters(), count: endpoints.count)
    }

    public mutating func record(_ event: StatsEvent, at now: Double) {
        switch event {
        case .read(let count):
            totals.read += count
        case .sent(let endpoint, let isRetry):
            countSend(endpoint, at: now)
            if isRetry {
                totals.retries += 1
                endpoints[endpoint].retries += 1
            }
        case .batched(let endpoint, let count):
            totals.sent += max(0, count)
            endpoints[endpoint].sent += max(0, count)
        case .resent(let endpoint):
            countSend(endpoint, at: now)
            totals.resends += 1
            endpoints[endpoint].resends += 1
        case .succeeded(let endpoint, let latency, let promptTokens, let completionTokens, let timing, let good):
            totals.succeeded += 1
            totals.promptTokens = totals.promptTokens.saturatingAdding(max(0, promptTokens))
            totals.completionTokens = totals.completionTokens.saturatingAdding(max(0, completionTokens))
            endpoints[endpoint].succeeded += 1
            recordLatency(latency, endpoint: endpoint)
            endpoints[endpoint].tokens.record(promptTokens: promptTokens, completionTokens: completionTokens, timing: timing, good: good, at: now)
            tokens.record(promptTokens: promptTokens, completionTokens: completionTokens, timing: timing, good: good, at: now)
            completions.add(at: now)
        case .failed(let endpoint, let kind, let latency, let message, let note, let final):
            endpoints[endpoint].errors += 1
            endpoints[endpoint].lastError = message
            totals.errorsByKind[kind, default: 0] += 1
            recordLatency(latency, endpoint: endpoint)
            if final {
                totals.failed += 1
                endpoints[endpoint].failedRecords += 1
                completions.add(at: now)
            }
            remember(ErrorEntry(at: now, source: names[endpoint], message: message, note: note))
        case .resumed(let count):
            totals.resumed += count
        case .action(let command, let endpoint, let source):
            if actions.count < Self.actionLimit { actions.append(OperatorAction(at: now, command: command, endpoint: endpoint, source: source)) }
        case .badLine(let line, let reason):
            totals.badLines += 1
            totals.failed += 1
            totals.errorsByKind[.badInput, default: 0] += 1
            if totals.firstBadLine == nil { totals.firstBadLine = "line \(line): \(reason)" }
            completions.add(at: now)
            remember(ErrorEntry(at: now, source: "input", message: "line \(line): \(reason)"))
        }
    }

    /// One request on the wire: counted and in the send rates.
    private mutating func countSend(_ endpoint: Int, at now: Double) {
        totals.sent += 1
        endpoints[endpoint].sent += 1
        sends.add(at: now)
        recentSends.add(at: now)
        endpoints[endpoint].recentSends.add(at: now)
    }

    private mutating func recordLatency(_ latency: Double, endpoint: Int) {
        _ = endpoints[endpoint].latency.record(TokenCounters.micros(latency))
        endpoints[endpoint].buckets.record(latency)
        endpoints[endpoint].distribution.record(latency)
    }

    /// Samples the timeline at `now`: what the cumulative counters gained since the last sample,
    /// and the gauges as they stand (`TimelineSeries`).
    public mutating func sampleTimeline(at now: Double) {
        var cumulative: [TimelineSeries: Double] = [:]
        var values: [TimelineSeries: Double] = [.targetRate: control.targetRate, .maxInFlight: Double(control.maxInFlight),
                                                .inFlight(endpoint: nil): Double(control.inFlight)]
        for (index, name) in names.enumerated() {
            let counters = endpoints[index]
            cumulative[.answers(endpoint: name)] = Double(counters.succeeded)
            cumulative[.failures(endpoint: name)] = Double(counters.errors)
            cumulative[.retries(endpoint: name)] = Double(counters.retries)
            cumulative[.tokens(endpoint: name)] = Double(counters.tokens.completionTokens)
            guard control.endpoints.indices.contains(index) else { continue }
            let live = control.endpoints[index]
            values[.inFlight(endpoint: name)] = Double(live.inFlight)
            values[.weight(endpoint: name)] = live.weight
            values[.cap(endpoint: name)] = Double(live.limits.inFlightCap ?? 0)
            values[.rateLimit(endpoint: name)] = live.limits.rate ?? 0
            if let server = live.server {
                values[.serverRunning(endpoint: name)] = server.running ?? 0
                values[.serverWaiting(endpoint: name)] = server.waiting ?? 0
            }
            cumulative[.cost(endpoint: name)] = live.spent
        }
        if let client = control.client {
            values[.clientCPU] = client.cpuPercent
            values[.clientLag] = client.loopLagP99Ms
        }
        for (kind, count) in totals.errorsByKind { cumulative[.errors(kind)] = Double(count) }
        let deltas = cumulative.merging(sampled.mapValues { -$0 }, uniquingKeysWith: +)
        timeline.sample(at: now, deltas: deltas, values: values)
        sampled = cumulative
    }

    /// Takes the scheduler's latest state (weights, in-flight counts, cooldowns, pause).
    public mutating func update(_ control: ControlState) { self.control = control }

    public func snapshot(at now: Double, progress: SourceProgress) -> StatsSnapshot {
        var snapshot = totals
        snapshot.elapsed = now
        snapshot.progress = progress
        snapshot.control = control
        snapshot.measuredRate = recentSends.rate(over: 5, at: now)
        snapshot.completionRate = completions.rate(over: 5, at: now)
        snapshot.rateHistory = sends.series(count: 60, at: now)
        snapshot.tokens = tokens.figures(at: now)
        snapshot.serviceLevels = serviceLevels
        let weights = control.endpoints.map(\.weight)
        let totalWeight = weights.filter { $0 > 0 }.reduce(0, +)
        let recentRates = endpoints.map { $0.recentSends.rate(over: 5, at: now) }
        let recentTotal = recentRates.reduce(0, +)
        snapshot.endpoints = endpoints.indices.map { index in
            let counters = endpoints[index]
            var live = control.endpoints.indices.contains(index) ? control.endpoints[index]
                : EndpointControl(weight: initialWeights[index], inFlight: 0)
            if control.endpoints.isEmpty { live.limits.inFlightCap = maxInFlight[index] }
            var endpoint = EndpointSnapshot(name: names[index], url: urls[index], initialWeight: initialWeights[index], control: live)
            endpoint.latencyBuckets = counters.buckets
            endpoint.latencyDistribution = counters.distribution
            endpoint.tokens = counters.tokens.figures(at: now)
            endpoint.sent = counters.sent
            endpoint.succeeded = counters.succeeded
            endpoint.errors = counters.errors
            endpoint.retries = counters.retries
            endpoint.resends = counters.resends
            endpoint.failedRecords = counters.failedRecords
            endpoint.lastError = counters.lastError
            endpoint.targetShare = totalWeight > 0 && live.weight > 0 ? live.weight / totalWeight : 0
            endpoint.actualShare = recentTotal > 0 ? recentRates[index] / recentTotal : 0
            let latency = Percentiles(counters.latency)
            (endpoint.p50, endpoint.p90, endpoint.p99) = (latency.p50, latency.p90, latency.p99)
            return endpoint
        }
        return snapshot
    }

    private mutating func remember(_ entry: ErrorEntry) {
        totals.recentErrors.append(entry)
        if totals.recentErrors.count > Self.recentErrorLimit { totals.recentErrors.removeFirst() }
    }
}
