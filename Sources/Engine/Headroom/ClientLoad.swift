/// fanout's own headroom: how much of the machine it uses and how late its event loop runs.
///
/// Past `cpuThreshold` percent of the cores, or `lagThreshold` ms of event-loop lag, the client
/// itself is the bottleneck and its latency figures include its own delay.
public struct ClientLoad: Sendable, Hashable {
    public static let cpuThreshold = 85.0
    public static let lagThreshold = 20.0
    public static let warning = "the client is the bottleneck: its figures include its own delay"

    /// CPU time used over the last second, as a percentage of all the machine's cores (0–100).
    public var cpuPercent: Double
    /// The 99th percentile of a 10 ms timer's delay over the last 5 s, milliseconds.
    public var loopLagP99Ms: Double

    public init(cpuPercent: Double, loopLagP99Ms: Double) {
        self.cpuPercent = cpuPercent
        self.loopLagP99Ms = loopLagP99Ms
    }

    /// Whether either figure passed its threshold.
    public var isBound: Bool { cpuPercent > Self.cpuThreshold || loopLagP99Ms > Self.lagThreshold }
}
