/// An in-flight cap that finds an endpoint's knee (`max_in_flight: auto`): where throughput stops
/// rising with concurrency and only latency grows.
///
/// The gradient form of Envoy's adaptive concurrency filter and Netflix's Gradient2, with a slow
/// start. Latencies of successful answers are gathered in windows (at least 100 ms and one no-load
/// latency long, at least 5 answers); a window's median against the no-load latency gives the
/// gradient `clamp(baseline / median, 0.5, 1)`, and the cap becomes `cap · gradient + √cap / 2`,
/// smoothed by half; while the median stays within 5 % of the baseline and the cap binds, it grows
/// by a quarter instead. Until latency rises 20 % for two windows in a row the cap doubles per
/// window (slow start); the first slow window undoes the last doubling, since it may only be
/// connections opening.
///
/// The baseline is the lowest window median *plus twice its standard error* (from the window's
/// interquartile range), so on a server whose latency is noise (uniform 10–500 ms at any load) the
/// lowest of many noisy medians is not taken for the no-load latency, and noise is not read as
/// queueing. A window lasts at least as long as the last window's longest answer (a short one
/// after a burst holds only the quickest answers), and the first window sets no baseline. The
/// baseline is measured again after `remeasureAfter` (or 100 baselines, whichever is longer) by
/// holding the cap at half for one clean window, as Envoy does, so it cannot drift up with load; at
/// a cap of 2 or less every window is a baseline. The cap grows only while it binds.
///
/// When the server's own metrics say how many requests it runs and how many wait (`serverReported`),
/// they rule instead of latency: the cap grows while it binds and nobody waits (by half until
/// requests have waited once, then by one), and comes down to what the server runs as soon as
/// requests wait, so it settles on the server's slot count;
/// it tries one more every `probeSlotsAfter` seconds in case the server grew. Latency takes over
/// again when no report came for `serverSilence` seconds.
public struct ConcurrencyLimit: Sendable {
    public static let initial = 8.0
    public static let floor = 1.0
    /// The highest an automatic cap goes, per endpoint.
    public static let ceiling = Double(Defaults.autoInFlightCeiling)
    public static let shortestWindow = 0.1
    public static let samplesPerWindow = 5
    public static let remeasureAfter = 60.0
    public static let probeSlotsAfter = 30.0
    public static let serverSilence = 5.0

    public private(set) var limit: Double
    public private(set) var isSlowStart = true
    /// The no-load latency, seconds: the lowest window median (nil until the first window).
    public private(set) var baseline: Double?
    private var baselineAt = 0.0
    /// While re-measuring the baseline: the cap to restore, and since when samples count.
    private var probe: Probe?
    private var samples: [Double] = []
    private var windowStart: Double
    private var peak = 0
    /// Slow-start windows in a row whose median rose 20 % over the baseline.
    private var slowWindows = 0
    /// The longest answer of the last window: a window lasts at least that long, so its answers are
    /// a fair sample (a short window right after a burst of sends holds only the quickest answers).
    private var longestAnswer = 0.0
    /// Guidance from the server's metrics, once reported.
    private var server: ServerGuide?
    /// The most in flight since the last server report.
    private var peakSinceReport = 0

    private struct ServerGuide: Sendable {
        /// What the server ran the last time requests waited: its slots.
        var slots: Int?
        /// Since when the cap has been held at the slots.
        var heldSince: Double
        var lastReport: Double
        /// Reports in a row with nobody waiting while the cap bound.
        var calm = 0
    }

    /// Whether the server's metrics guide the cap now (a report came within `serverSilence`).
    public func isServerGuided(now: Double) -> Bool { server.map { now - $0.lastReport < Self.serverSilence } ?? false }

    public init(now: Double = 0, initial: Double = Self.initial) {
        limit = min(Self.ceiling, max(Self.floor, initial))
        windowStart = now
    }

    /// The cap in force.
    public var cap: Int {
        if let probe { return max(1, Int(probe.restore / 2)) }
        return Int(limit)
    }

    /// Whether the baseline is being measured again (the cap is held at half meanwhile).
    public var isRemeasuring: Bool { probe != nil }

    /// A request went out; `inFlight` counts it.
    public mutating func dispatched(inFlight: Int) {
        peak = max(peak, inFlight)
        peakSinceReport = max(peakSinceReport, inFlight)
    }

    /// The server said it runs `running` requests and `waiting` wait for a slot, at `now`, while
    /// `inFlight` of ours were out (long answers may leave a report with no send since the last).
    /// A server that says how many it runs at once (`slots`) but not who waits gets that cap.
    public mutating func serverReported(running: Double?, waiting: Double?, slots: Double? = nil, inFlight: Int = 0, now: Double) {
        guard waiting != nil || slots != nil else { return }
        probe = nil
        isSlowStart = false
        var guide = server ?? ServerGuide(heldSince: now, lastReport: now)
        guide.lastReport = now
        guard let waiting else {
            let count = Int(min(Self.ceiling, max(Self.floor, slots ?? Self.floor)))
            guide.slots = count
            server = guide
            limit = Double(count)
            return
        }
        let binding = Double(max(peakSinceReport, inFlight)) >= limit.rounded(.down)
        peakSinceReport = 0
        defer { server = guide }
        if waiting >= 0.5 {
            // Requests queue at the server: its slots are full. What it runs is what it can hold.
            let slots = max(1, Int(min(Self.ceiling, max(0, running ?? limit - waiting)).rounded()))
            guide.slots = slots
            guide.heldSince = now
            guide.calm = 0
            limit = max(Self.floor, min(limit - 1, Double(slots)))
            return
        }
        guard binding else {
            guide.calm = 0
            return
        }
        // Two calm reports in a row: one may predate the requests the cap let out.
        guide.calm += 1
        guard guide.calm >= 2 else { return }
        if let slots = guide.slots, Int(limit) >= slots, now - guide.heldSince < Self.probeSlotsAfter { return }
        // Until requests have waited once the slots are unknown: grow by half (a 256-slot server is
        // found in seconds, not minutes); once known, one more at a time.
        let step = guide.slots == nil ? max(1, (limit / 2).rounded(.down)) : 1
        limit = min(Self.ceiling, limit.rounded(.down) + step)
        guide.heldSince = now
        guide.calm = 0
    }

    /// A successful answer to a request sent at `sentAt` arrived at `now`.
    public mutating func answered(sentAt: Double, now: Double) {
        if isServerGuided(now: now) { return }
        if let probe, sentAt < probe.countsFrom { return }
        samples.append(now - sentAt)
        guard samples.count >= Self.samplesPerWindow, now - windowStart >= max(Self.shortestWindow, baseline ?? 0, longestAnswer) else { return }
        closeWindow(now: now)
    }

    /// A request failed in a way that says the endpoint is overloaded (timeout, 5xx, lost connection):
    /// the cap shrinks by a tenth, once per window. Not while the server's metrics guide the cap:
    /// the server says itself whether requests wait, and a random 5xx is not a queue.
    public mutating func overloaded(now: Double) {
        guard probe == nil, !isServerGuided(now: now), !samples.isEmpty || now - windowStart >= Self.shortestWindow else { return }
        isSlowStart = false
        limit = max(Self.floor, limit * 0.9)
        restartWindow(now: now)
    }

    /// Sets the cap by hand; learning goes on from there.
    public mutating func set(_ value: Int, now: Double) {
        limit = min(Self.ceiling, max(Self.floor, Double(value)))
        server?.heldSince = now
        probe = nil
        isSlowStart = false
        restartWindow(now: now)
    }

    private mutating func closeWindow(now: Double) {
        samples.sort()
        let median = samples[samples.count / 2]
        // What the no-load latency can be from this window: its median plus twice its standard error.
        let candidate = median + 2 * Self.standardError(ofMedian: samples)
        let binding = Double(peak) >= limit * 0.9 - 1
        let firstWindow = longestAnswer == 0
        longestAnswer = min(samples.last ?? 0, 60)
        defer { restartWindow(now: now) }
        // The first window holds the quickest answers of the first burst only: it sets the window's
        // length, not the baseline.
        if firstWindow && probe == nil && limit >= 3 { return }
        if let finished = probe {
            probe = nil
            baseline = candidate
            baselineAt = now
            limit = finished.restore
            return
        }
        // At a cap of 2 or less the load is ours alone: what it measures is the baseline.
        if candidate <= baseline ?? .infinity || limit < 3 {
            baseline = candidate
            baselineAt = now
        }
        guard let baseline, baseline > 0 else { return }
        if isSlowStart {
            if median <= baseline * 1.2 {
                slowWindows = 0
                if binding { limit = min(Self.ceiling, limit * 2) }
                return startProbeIfDue(now: now)
            }
            // One slow window may be connections opening: undo the last doubling and look again; two
            // in a row are the knee.
            slowWindows += 1
            if slowWindows < 2 {
                limit = max(Self.floor, limit / 2)
                return
            }
            isSlowStart = false
        }
        let gradient = min(1, max(0.5, baseline / median))
        let headroom = binding || gradient < 1 ? limit.squareRoot() / 2 : 0
        // No queue to speak of (within 5 % of the no-load latency) and the cap binds: grow by a quarter,
        // so a slow start cut short by a transient (connections opening) does not leave the cap low.
        let target = binding && median <= baseline * 1.05 ? limit * 1.25 : limit * gradient + headroom
        limit = min(Self.ceiling, max(Self.floor, (limit + target) / 2))
        startProbeIfDue(now: now)
    }

    /// The standard error of the median of sorted `samples`, from their interquartile range
    /// (σ ≈ IQR / 1.349; the median's error ≈ 1.2533 σ / √n).
    static func standardError(ofMedian samples: [Double]) -> Double {
        let count = samples.count
        guard count >= 4 else { return 0 }
        let spread = samples[(3 * count) / 4] - samples[count / 4]
        return 1.2533 * (spread / 1.349) / Double(count).squareRoot()
    }

    private mutating func startProbeIfDue(now: Double) {
        guard let baseline, now - baselineAt >= max(Self.remeasureAfter, baseline * 100), limit >= 4 else { return }
        // Answers to requests sent before the cap came down (one baseline ago) still carry the old load.
        probe = Probe(restore: limit, countsFrom: now + baseline)
    }

    private struct Probe: Sendable {
        var restore: Double
        var countsFrom: Double
    }

    private mutating func restartWindow(now: Double) {
        samples.removeAll(keepingCapacity: true)
        windowStart = now
        peak = 0
    }
}
