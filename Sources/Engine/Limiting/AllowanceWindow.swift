/// The window of an allowance announced as `x-ratelimit-limit-requests` / `-remaining-requests`
/// with no reset time: a minute is assumed (OpenAI's and most gateways' unit), and shorter windows
/// are found from what `remaining` does.
///
/// A `remaining` that grows back means a new window began; the time between two such starts is the
/// window's length. Two answers in a row that each found the allowance untouched mean a window
/// began at each of them: two window starts since the send before them, so the window is no longer
/// than that span (and at most half the length assumed so far).
public struct AllowanceWindow: Sendable, Hashable {
    public static let assumed = 60.0
    public static let shortest = 1.0

    /// The window's length, seconds.
    public private(set) var length = Self.assumed
    private var start: Double?
    /// `start` was seen as a reset (not just the first answer), so the next reset measures a window.
    private var startIsReset = false
    private var lastRemaining: Int?
    /// When the last answered request was sent, and the one before it.
    private var lastSend: Double?
    private var sendBefore: Double?

    public init() {}

    /// A 429 came while sends were paced for this window: it is longer than measured.
    public mutating func widen() {
        length = min(Self.assumed * 60, length * 1.1)
    }

    /// Takes one answer's headers, for a request sent at `sentAt` while `inFlight` others to the
    /// same endpoint were out (those may have reached the server first, so `remaining` may rise by
    /// that many without a new window).
    public mutating func observe(limit: Int, remaining: Int, sentAt: Double, inFlight: Int) {
        // Answers are read in the order their requests went; one that overtook a later one says nothing.
        if let lastSend, sentAt < lastSend { return }
        defer {
            lastRemaining = remaining
            sendBefore = lastSend
            lastSend = sentAt
        }
        guard let last = lastRemaining else {
            start = sentAt
            return
        }
        if remaining > last + inFlight {
            // Each start is seen up to one send late, so a measurement may come out a little short
            // or long: a clearly shorter one replaces the length, a slightly longer one corrects it.
            if let start, startIsReset {
                let measured = sentAt - start
                if measured < length * 0.9 || (measured > length && measured < length * 1.25) { length = max(Self.shortest, measured) }
            }
            start = sentAt
            startIsReset = true
        } else if limit >= 4, remaining >= limit - 1, last >= limit - 1, (start.map { sentAt > $0 } ?? true) {
            let span = sendBefore.map { sentAt - $0 } ?? .infinity
            length = max(Self.shortest, min(length / 2, span))
            start = sentAt
            startIsReset = false
        }
    }
}
