/// What an endpoint is doing now, as the scheduler decides it: the one type the screen, the
/// progress lines, the log and the metrics read.
public enum EndpointStatus: Sendable, Hashable {
    /// Takes requests.
    case ready
    /// Held back for `seconds` more.
    case cooling(seconds: Double, reason: CoolingReason)
    /// Out of rotation for `seconds` more after consecutive failures.
    case ejected(seconds: Double)
    /// Back from an ejection: one probe request decides.
    case probing
    /// Weight 0: takes nothing.
    case drained
    /// Its account is out of money (`insufficient_quota`, a spend limit): takes nothing more this run.
    case outOfFunds

    /// Why an endpoint cools.
    public enum CoolingReason: String, Sendable, Hashable {
        /// A 429 with Retry-After.
        case tooManyRequests = "429"
        /// A 503 with Retry-After.
        case unavailable = "503"
        /// Its rate-limit headers say the allowance is spent until their reset.
        case providerLimit = "limit"

        /// The reason for an HTTP status that carried a Retry-After.
        init(status: Int?) { self = status == 503 ? .unavailable : .tooManyRequests }
    }
}
