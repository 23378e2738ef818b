import ArgumentParser
import Engine

extension Limits {
    /// Every range as the docs list it (`docs/reference.md`): option, range, unit.
    static var table: [(option: String, range: String)] {
        [("--max_requests_per_second", text(rate)), ("--max_in_flight", text(inFlight) + ", or `auto`"),
         ("--rate_limit_patience", text(patience, "s") + " (a week)"), ("--max_attempts", text(attempts)),
         ("--timeout", text(timeout, "s")), ("--connect_timeout", text(connectTimeout, "s")),
         ("--drain_timeout", text(drainTimeout, "s")), ("--unreachable_after", text(unreachableAfter, "s")),
         ("--max_response_bytes", text(responseBytes)), ("--max_tokens", text(maxTokens)),
         ("--max_tokens_per_minute", text(tokensPerMinute)), ("--temperature", text(temperature)),
         ("--eject_after", text(ejectAfter)), ("weights (`@W`, `weight:`)", text(weight)),
         ("`max_in_flight` in an endpoints file", text(inFlight) + ", or `auto`"),
         ("`rps`, `rpm`, `tpm` in an endpoints file", "above 0, at most " + text(EndpointFile.maxLimit))]
    }

    /// Refuses `value` outside `range` with one sentence naming the option and the range.
    static func check<Value: Comparable & Numeric>(_ value: Value, _ option: String, _ range: ClosedRange<Value>, _ unit: String = "") throws {
        guard range.contains(value) else {
            throw ValidationError("\(option) must be between \(text(range.lowerBound)) and \(text(range.upperBound))\(unit.isEmpty ? "" : " " + unit), not \(value).")
        }
    }
}
