/// `--deadline`: keeps the file on track to finish by a time at the lowest price. A plain value
/// with `now` (seconds since the run started) passed in.
///
/// Batch routes take records while their batches are expected to end in time. A batch's end is
/// projected from the provider's progress so far (done over time since it was created); before it
/// reports any, its end is unknown and the route takes its weight as usual. The open batches are
/// cancelled, and what they had not done sent real-time, when the time left comes down to what the
/// real-time endpoints need for every unfinished record at their rate plus the margin, unless every
/// open batch is projected to end before the deadline less the margin.
struct BatchDeadline: Sendable {
    /// Run seconds.
    let deadline: Double
    /// Seconds held back for the cancel, the provider's finalizing, one poll and the download:
    /// three of the slowest poll interval plus 10 s, at most a fifth of the time from start to deadline.
    let margin: Double
    private(set) var cancelled = false
    /// Batch ends projected at the last decision, run seconds (nil: not known yet).
    private(set) var projectedEnd: Double?
    private(set) var realtimeNeeds: Double?

    init(deadline: Double, start: Double, endpoints: [EndpointConfiguration]) {
        self.deadline = deadline
        let poll = endpoints.compactMap(\.batch?.pollInterval).max() ?? 30
        margin = min(3 * poll + 10, max(0, deadline - start) / 5)
    }

    /// Whether a batch route may take more records at `now`.
    func allowsBatch(at endpoint: Int, now: Double) -> Bool {
        guard !cancelled, now < deadline - margin else { return false }
        guard let projectedEnd else { return true }
        return projectedEnd <= deadline - margin
    }

    /// Decides at `now`; true once: cancel the open batches now.
    /// - Parameters:
    ///   - realtimeRate: requests a second the real-time endpoints carry (0: not known, taken as no limit).
    ///   - unfinishedRealtime: records waiting for or in real-time sends.
    mutating func decide(now: Double, book: BatchBook, wallStart: Double, realtimeRate: Double, unfinishedRealtime: Int) -> Bool {
        let open = book.open.values
        var ends: [Double] = []
        var unknown = false
        var leftInBatches = book.fillings.values.reduce(0) { $0 + $1.members.count }
        for batch in open {
            let total = max(batch.object?.total ?? 0, batch.members.count)
            let done = (batch.object?.completed ?? 0) + (batch.object?.failed ?? 0)
            leftInBatches += max(0, total - done)
            if let object = batch.object, let created = object.createdAt, done > 0, total > 0 {
                let elapsed = max(0.001, wallStart + now - created)
                ends.append(now + Double(total - done) * elapsed / Double(done))
            } else {
                unknown = true
            }
        }
        projectedEnd = unknown || ends.isEmpty ? nil : ends.max()
        let unfinished = leftInBatches + unfinishedRealtime
        realtimeNeeds = realtimeRate > 0 ? Double(unfinished) / realtimeRate : 0
        guard !cancelled, !open.isEmpty || leftInBatches > 0 else { return false }
        let timeLeft = deadline - now
        if let projectedEnd, projectedEnd <= deadline - margin, timeLeft > margin { return false }
        guard timeLeft <= (realtimeNeeds ?? 0) + margin else { return false }
        cancelled = true
        return true
    }

    func figures(now: Double, saved: Double) -> DeadlineFigures {
        DeadlineFigures(secondsLeft: deadline - now, margin: margin, projectedBatchEnd: projectedEnd.map { $0 - now },
                        realtimeNeeds: realtimeNeeds, batchesCancelled: cancelled, savedUSD: saved)
    }
}

/// The deadline as the screen and `/v1/status` show it.
public struct DeadlineFigures: Sendable, Hashable, Codable {
    /// Seconds to the deadline (negative once past).
    public var secondsLeft: Double
    public var margin: Double
    /// Seconds until the open batches are projected to end (nil: no progress reported yet).
    public var projectedBatchEnd: Double?
    /// Seconds the real-time endpoints need for every unfinished record at their rate.
    public var realtimeNeeds: Double?
    /// The deadline cancelled the batches.
    public var batchesCancelled: Bool
    /// US dollars saved against sending every batch answer real-time.
    public var savedUSD: Double

    public init(secondsLeft: Double, margin: Double, projectedBatchEnd: Double?, realtimeNeeds: Double?, batchesCancelled: Bool, savedUSD: Double) {
        self.secondsLeft = secondsLeft
        self.margin = margin
        self.projectedBatchEnd = projectedBatchEnd
        self.realtimeNeeds = realtimeNeeds
        self.batchesCancelled = batchesCancelled
        self.savedUSD = savedUSD
    }
}

/// Requests a second the real-time endpoints carried at their busiest (10 s windows), so an idle
/// moment never reads as no capacity.
struct ThroughputPeak: Sendable {
    private var windowStart = 0.0
    private var count = 0
    private(set) var peak = 0.0

    mutating func record(now: Double) {
        if now - windowStart >= 10 {
            peak = max(peak, Double(count) / max(10, now - windowStart))
            windowStart = now
            count = 0
        }
        count += 1
        // Until a window has closed, the window so far counts once it spans a second.
        if now - windowStart >= 1 { peak = max(peak, Double(count) / (now - windowStart)) }
    }
}
