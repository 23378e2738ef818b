/// Service-level targets a record must meet to count as goodput (vLLM's `--goodput`).
///
/// A record is good when its successful attempt meets every target given: TTFT and TPOT need a
/// streamed answer (an unstreamed one cannot meet them), e2e is that attempt's latency. A
/// one-token answer has no TPOT and meets any TPOT target, as in vLLM. Failed records are never good.
public struct ServiceLevels: Sendable, Hashable {
    /// Seconds to the first output chunk.
    public var ttft: Double?
    /// Seconds per output token after the first.
    public var tpot: Double?
    /// Seconds for the whole attempt.
    public var e2e: Double?

    public init(ttft: Double? = nil, tpot: Double? = nil, e2e: Double? = nil) {
        self.ttft = ttft
        self.tpot = tpot
        self.e2e = e2e
    }

    /// Whether any target needs a streamed answer to be measured.
    public var needsStreaming: Bool { ttft != nil || tpot != nil }

    /// Whether an answer that took `latency` seconds (timed as `timing` when streamed) meets every target.
    public func isMet(latency: Double, timing: StreamTiming?) -> Bool {
        if let e2e, latency > e2e { return false }
        if needsStreaming {
            guard let timing else { return false }
            if let ttft, timing.ttft > ttft { return false }
            if let tpot, let measured = timing.tpot, measured > tpot { return false }
        }
        return true
    }

    /// `ttft ≤ 500ms, tpot ≤ 50ms, e2e ≤ 10s`, with each duration in the unit given by `format`.
    public func description(_ format: (Double) -> String) -> String {
        [("ttft", ttft), ("tpot", tpot), ("e2e", e2e)].compactMap { name, value in value.map { "\(name) ≤ \(format($0))" } }
            .joined(separator: ", ")
    }
}
