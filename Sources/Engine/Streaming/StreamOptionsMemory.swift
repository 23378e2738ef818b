import Synchronization

/// The run's `StreamNegotiation`, shared by the transport's completions on any thread.
///
/// A lock around a plain value: requests are built on the runner's task and answers arrive on
/// event loops, so both go through the mutex.
final class StreamOptionsMemory: Sendable {
    private let state: Mutex<StreamNegotiation>

    init(endpoints: Int) {
        state = Mutex(StreamNegotiation(endpoints: endpoints))
    }

    func body(_ body: JSONValue, endpoint: Int) -> (body: JSONValue, carriesOptions: Bool) {
        state.withLock { $0.body(body, endpoint: endpoint) }
    }

    /// Whether to send the request again without `stream_options` (see `StreamNegotiation.answered`).
    func answered(_ response: Result<TransportResponse, EngineError>, endpoint: Int, carriedOptions: Bool, isFallback: Bool) -> Bool {
        guard carriedOptions || isFallback, case .success(let answer) = response else { return false }
        let message = (200..<300).contains(answer.status) ? nil : ResponseParser.errorMessage(answer.body)
        return state.withLock {
            $0.answered(endpoint: endpoint, status: answer.status, message: message, carriedOptions: carriedOptions, isFallback: isFallback)
        }
    }
}
