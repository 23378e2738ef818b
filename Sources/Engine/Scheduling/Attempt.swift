/// One try at sending a record, and what the scheduler remembers about its earlier tries.
public struct Attempt: Sendable {
    public let record: RequestRecord
    /// 1 for the first try.
    public let number: Int
    /// The endpoint the previous try went to, so a retry can prefer another one.
    public let previousEndpoint: Int?
}

/// An attempt the scheduler has handed out: send `attempt` to `endpoint`.
public struct Dispatch: Sendable {
    public let attempt: Attempt
    public let endpoint: Int
    /// The tokens charged to the limits for this attempt (0 while no token limit or header is in play).
    public var tokens = 0
}

/// A failed record waiting for its next try.
struct PendingRetry: Comparable {
    let due: Double
    let sequence: UInt64
    let attempt: Attempt

    static func < (lhs: PendingRetry, rhs: PendingRetry) -> Bool {
        (lhs.due, lhs.sequence) < (rhs.due, rhs.sequence)
    }

    static func == (lhs: PendingRetry, rhs: PendingRetry) -> Bool {
        lhs.sequence == rhs.sequence
    }
}
