/// Something that happened in the run, as the stats accumulator counts it.
public enum StatsEvent: Sendable {
    /// Non-blank input lines read.
    case read(count: Int)
    case sent(endpoint: Int, isRetry: Bool)
    /// Records sent in one batch to a batch route: counted as sent, but not in the send rate (the
    /// rate limit governs real-time sends only).
    case batched(endpoint: Int, count: Int)
    /// A request sent again without spending an attempt: by the exchange on its own (a 400 to
    /// `stream_options`, resent without them), or by the scheduler because the server never
    /// processed it (a connection it had closed, a stream it refused). One more request on the wire.
    case resent(endpoint: Int)
    /// `latency` in seconds; `timing` for a streamed answer; `good` whether it met the `--slo`
    /// targets (nil when none were given).
    case succeeded(endpoint: Int, latency: Double, promptTokens: Int, completionTokens: Int, timing: StreamTiming? = nil, good: Bool? = nil)
    /// An attempt failed for `message` (its reason, redacted); `note` says what became of it (nil:
    /// not known, as in a report rebuilt from files); `final` when the record goes to the errors file.
    case failed(endpoint: Int, kind: ErrorKind, latency: Double, message: String, note: FailureNote? = nil, final: Bool)
    /// A bad input line (written straight to the errors file).
    case badLine(line: Int, reason: String)
    /// Records skipped because an earlier run finished them.
    case resumed(count: Int)
    /// The operator gave a command (`endpoint`: the name of the endpoint it names) from `source`.
    case action(EngineCommand, endpoint: String?, from: CommandSource = .library)
}
