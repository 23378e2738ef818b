/// Turns raw readings of fanout's own process into a `ClientLoad`: a pure value, times passed in.
///
/// CPU: the process's CPU seconds between two readings over the wall time between them, as a
/// share of all `cores`. Lag: how late each 10 ms timer fired, kept for `window` seconds, its 99th
/// percentile.
public struct ClientHeadroom: Sendable {
    public static let window = 5.0

    let cores: Int
    private var lags: [(at: Double, lag: Double)] = []
    private var lastCPU: (at: Double, seconds: Double)?
    private var cpuPercent = 0.0

    public init(cores: Int) { self.cores = max(1, cores) }

    /// A timer meant to fire after `expected` seconds fired after `elapsed`, at `now`.
    public mutating func timerFired(expected: Double, elapsed: Double, now: Double) {
        lags.append((now, max(0, elapsed - expected)))
        if let first = lags.first, now - first.at > Self.window * 2 { lags.removeAll { now - $0.at > Self.window } }
    }

    /// The process had used `cpuSeconds` of CPU by `now`.
    public mutating func cpuRead(_ cpuSeconds: Double, now: Double) {
        if let last = lastCPU, now > last.at {
            let share = (cpuSeconds - last.seconds) / (now - last.at) / Double(cores)
            cpuPercent = min(100, max(0, share * 100))
        }
        lastCPU = (now, cpuSeconds)
    }

    /// The figures at `now`.
    public func load(now: Double) -> ClientLoad {
        let recent = lags.filter { now - $0.at <= Self.window }.map(\.lag).sorted()
        let p99 = recent.isEmpty ? 0 : recent[min(recent.count - 1, Int((Double(recent.count) * 0.99).rounded(.down)))]
        return ClientLoad(cpuPercent: cpuPercent, loopLagP99Ms: p99 * 1000)
    }
}
