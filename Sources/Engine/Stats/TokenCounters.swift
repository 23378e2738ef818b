import Histogram

/// The LLM figures of one endpoint or of the whole run: tokens, TTFT, ITL, TPOT, goodput, and the
/// per-second series the charts draw.
///
/// Durations go into HDR histograms in microseconds (1 µs to 1 hour, three significant digits).
struct TokenCounters: Sendable {
    /// Seconds of history kept for the charts.
    static let historySeconds = 180

    var answers = 0
    var streamed = 0
    var good = 0
    var promptTokens = 0
    var completionTokens = 0
    var ttft = Self.histogram()
    var itl = Self.histogram()
    var tpot = Self.histogram()
    var ttftBuckets = LatencyBuckets()
    var itlBuckets = LatencyBuckets(bounds: LatencyBuckets.tokenBounds)
    var ttftDistribution = Distribution()
    var recentTokens = RateMeter(bucketWidth: 0.5, buckets: 12)
    var recentGood = RateMeter(bucketWidth: 0.5, buckets: 12)
    var answerHistory = RateMeter(bucketWidth: 1, buckets: historySeconds + 2)
    var tokenHistory = RateMeter(bucketWidth: 1, buckets: historySeconds + 2)

    static func histogram() -> Histogram<UInt64> {
        Histogram<UInt64>(highestTrackableValue: 3_600_000_000, numberOfSignificantValueDigits: .three)
    }

    /// One saved answer; `good` is nil when no SLO was given.
    mutating func record(promptTokens prompt: Int, completionTokens completion: Int, timing: StreamTiming?, good isGood: Bool?, at now: Double) {
        answers += 1
        // Counts from a server: saturating, so absurd usage cannot trap.
        promptTokens = promptTokens.saturatingAdding(max(0, prompt))
        completionTokens = completionTokens.saturatingAdding(max(0, completion))
        answerHistory.add(at: now)
        if completion > 0 {
            recentTokens.add(completion, at: now)
            tokenHistory.add(completion, at: now)
        }
        if isGood == true {
            good += 1
            recentGood.add(at: now)
        }
        guard let timing else { return }
        streamed += 1
        _ = ttft.record(Self.micros(timing.ttft))
        ttftBuckets.record(timing.ttft)
        ttftDistribution.record(timing.ttft)
        for gap in timing.itl {
            _ = itl.record(Self.micros(gap))
            itlBuckets.record(gap)
        }
        if let perToken = timing.tpot { _ = tpot.record(Self.micros(perToken)) }
    }

    static func micros(_ seconds: Double) -> UInt64 { UInt64(max(1, min(3_600_000_000, seconds * 1_000_000))) }

    func figures(at now: Double) -> TokenFigures {
        var figures = TokenFigures()
        figures.answers = answers
        figures.streamed = streamed
        figures.good = good
        figures.promptTokens = promptTokens
        figures.completionTokens = completionTokens
        figures.outputTokensPerSecond = recentTokens.rate(over: 5, at: now)
        figures.goodRate = recentGood.rate(over: 5, at: now)
        figures.ttft = Percentiles(ttft)
        figures.itl = Percentiles(itl)
        figures.tpot = Percentiles(tpot)
        figures.ttftBuckets = ttftBuckets
        figures.itlBuckets = itlBuckets
        figures.ttftDistribution = ttftDistribution
        figures.answerHistory = answerHistory.series(count: Self.historySeconds, at: now)
        figures.tokenHistory = tokenHistory.series(count: Self.historySeconds, at: now)
        return figures
    }
}

/// p50, p90 and p99 of a duration histogram, in seconds (nil before the first value).
public struct Percentiles: Sendable, Hashable {
    public var p50: Double?
    public var p90: Double?
    public var p99: Double?

    public init(p50: Double? = nil, p90: Double? = nil, p99: Double? = nil) {
        self.p50 = p50
        self.p90 = p90
        self.p99 = p99
    }

    /// From a histogram of microseconds, in one walk over its recorded values (three
    /// `valueAtPercentile` calls would scan its counts three times, at every frame).
    init(_ histogram: Histogram<UInt64>) {
        guard histogram.totalCount > 0 else { return }
        let total = Double(histogram.totalCount)
        let wanted = [50.0, 90, 99].map { Swift.max(1, UInt64((($0.nextDown) * total / 100).rounded(.up))) }
        var found: [Double] = []
        var running: UInt64 = 0
        for recorded in histogram.recordedValues() {
            running += UInt64(recorded.count)
            while found.count < wanted.count, running >= wanted[found.count] {
                found.append(Double(Swift.min(recorded.value, histogram.maxRecorded)) / 1_000_000)
            }
            if found.count == wanted.count { break }
        }
        guard found.count == wanted.count else { return }
        (p50, p90, p99) = (found[0], found[1], found[2])
    }
}

/// What the dashboard, the summary and the metrics show of tokens and streaming.
public struct TokenFigures: Sendable, Hashable {
    /// Saved answers, and how many of them were streamed (timed).
    public var answers = 0
    public var streamed = 0
    /// Saved answers that met every `--slo` target.
    public var good = 0
    public var promptTokens = 0
    public var completionTokens = 0
    /// Output tokens per second over the last 5 s.
    public var outputTokensPerSecond: Double = 0
    /// Good answers per second over the last 5 s.
    public var goodRate: Double = 0
    public var ttft = Percentiles()
    public var itl = Percentiles()
    public var tpot = Percentiles()
    public var ttftBuckets = LatencyBuckets()
    public var itlBuckets = LatencyBuckets(bounds: LatencyBuckets.tokenBounds)
    public var ttftDistribution = Distribution()
    /// Answers and output tokens per second for each of the last 180 seconds, oldest first.
    public var answerHistory: [Double] = []
    public var tokenHistory: [Double] = []

    public init() {}
}

/// Durations gathered into an HDR histogram outside a run (rebuilding a report from files).
public struct DurationSamples: Sendable {
    private var histogram = TokenCounters.histogram()

    public init() {}

    public mutating func record(_ seconds: Double) { _ = histogram.record(TokenCounters.micros(seconds)) }
    public mutating func add(_ other: DurationSamples) { histogram.add(other.histogram) }
    public var count: Int { Int(histogram.totalCount) }
    public var percentiles: Percentiles { Percentiles(histogram) }
}
