/// What became of a failed attempt, as data: the screen says it in its own words
/// (`FailureNote+Text` in the dashboard), beside the failure's reason.
public enum FailureNote: Sendable, Hashable {
    /// Final: the record went to the errors file at attempt `attempt` of `of`.
    case failed(attempt: Int, of: Int)
    /// Final: it met 429s for `seconds` over `sends` sends, longer than the rate-limit patience.
    case rateLimitedTooLong(seconds: Double, sends: Int)
    /// A 429: sent again at the endpoints' pace, no attempt spent.
    case rateLimited
    /// The server did not process it: sent again in `resentIn` seconds, no attempt spent.
    case notProcessed(resentIn: Double)
    /// Attempt `attempt` of `of` failed; the next in `retryIn` seconds.
    case retrying(attempt: Int, of: Int, retryIn: Double)
    /// The endpoint's account is out of money: the record goes elsewhere, or stays unsent.
    case outOfFunds
    /// Attempt `attempt` failed while no endpoint answers: the record waits unsent, next try in `nextTryIn` seconds.
    case waitingUnsent(attempt: Int, nextTryIn: Double)

    /// Whether the record went to the errors file.
    public var isFinal: Bool {
        switch self {
        case .failed, .rateLimitedTooLong: true
        default: false
        }
    }
}
