import Engine

extension FailureNote {
    /// The note in words, as the error list shows it after the reason: `attempt 2/5, retry in 1.2s`.
    var text: String {
        switch self {
        case .failed(let attempt, let of): "attempt \(attempt)/\(of) → errors"
        case .rateLimitedTooLong(let seconds, let sends): "rate limited for \(Format.wait(seconds)), \(sends) sends → errors"
        case .rateLimited: "rate limited: resent at the endpoints' pace, no attempt spent"
        case .notProcessed(let wait): "not processed: resent in \(Format.wait(wait)), no attempt spent"
        case .retrying(let attempt, let of, let wait): "attempt \(attempt)/\(of), retry in \(Format.wait(wait))"
        case .waitingUnsent(let attempt, let wait): "attempt \(attempt); no endpoint answers, so it waits unsent, next try in \(Format.wait(wait))"
        case .outOfFunds: "out of money: nothing more goes to this endpoint; the record goes elsewhere or stays unsent"
        }
    }
}

extension ErrorEntry {
    /// The reason, then what became of the attempt.
    var text: String { message + (note.map { " (\($0.text))" } ?? "") }
}
