/// The window of an allowance announced as `x-ratelimit-limit-requests` / `-remaining-requests`
/// with no reset time: a minute is assumed (OpenAI's and most gateways' unit), and shorter windows
/// are found from what `remaining` does.
///
/// A `remaining` that grows back means a new window began; the time between two such starts is the
/// window's length. Two answers in a row that each found the allowance untouched mean a window
/// ended between them while sends were paced for a longer one: the assumed length halves (with
/// sends paced evenly, two window starts within two sends prove the window is shorter than half).
public struct AllowanceWindow: Sendable, Hashable {
    public static let assumed = 60.0
    public static let shortest = 1.0

    /// The window's length, seconds.
    public private(set) var length = Self.assumed
    private var start: Double?
    /// `start` was seen as a reset (not just the first answer), so the next reset measures a window.
    private var startIsReset = false
    private var lastRemaining: Int?

    public init() {}

    /// Takes one answer's headers, for a request sent at `sentAt` while `inFlight` others were out.
    public mutating func observe(limit: Int, remaining: Int, sentAt: Double, inFlight: Int) {
        defer { lastRemaining = remaining }
        guard let last = lastRemaining else {
            start = sentAt
            return
        }
        if remaining > last + max(1, inFlight) {
            if let start, startIsReset, sentAt - start < length * 0.9 {
                length = max(Self.shortest, sentAt - start)
            }
            start = sentAt
            startIsReset = true
        } else if limit >= 4, remaining >= limit - 1, last >= limit - 1, (start.map { sentAt > $0 } ?? true) {
            length = max(Self.shortest, length / 2)
            start = sentAt
            startIsReset = false
        }
    }
}
