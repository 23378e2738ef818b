import ArgumentParser
import Engine

/// The range of every numeric option, in one place: a value outside it (or not finite) is refused
/// with one line naming the option and the range, before anything is sent.
enum Limits {
    static let rate = 0.0...1_000_000
    /// US dollars (`--max_cost`).
    static let cost = 0.0...1_000_000_000
    static let attempts = 1...100
    static let inFlight = 1...1_000_000
    static let timeout = 0.001...86_400.0
    static let connectTimeout = 0.001...3_600.0
    static let maxTokens = 1...10_000_000
    static let drainTimeout = 0.0...86_400
    static let responseBytes = 1024...(2 << 30)
    static let ejectAfter = 1...1_000_000
    static let tokensPerMinute = 0.0...1_000_000_000_000
    static let unreachableAfter = 1.0...86_400
    /// `--rate_limit_patience`, seconds: up to a week.
    static let patience = 0.0...604_800
    static let weight = 0.0...1_000_000
    static let temperature = 0.0...2
    static let shards = 1...1_000_000
    /// Mock and demo durations (latency, `--duration`), seconds.
    static let mockSeconds = 0.0...3_600
    static let demoSeconds = 0.001...604_800.0

    /// The ranges a control client's commands are held to: the keys' and the options'.
    static var commandRanges: ControlCommand.Ranges {
        ControlCommand.Ranges(rate: rate, weight: weight, inFlight: inFlight)
    }

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

    private static func text<Value>(_ range: ClosedRange<Value>, _ unit: String = "") -> String {
        "\(text(range.lowerBound)) – \(text(range.upperBound))" + (unit.isEmpty ? "" : " " + unit)
    }

    static func check<Value: Comparable & Numeric>(_ value: Value, _ option: String, _ range: ClosedRange<Value>, _ unit: String = "") throws {
        guard range.contains(value) else {
            throw ValidationError("\(option) must be between \(text(range.lowerBound)) and \(text(range.upperBound))\(unit.isEmpty ? "" : " " + unit), not \(value).")
        }
    }

    private static func text<Value>(_ value: Value) -> String {
        if let integer = value as? Int { return Format.count(integer) }
        if let double = value as? Double {
            return double == double.rounded() && abs(double) < 1e15 ? Format.count(Int(double)) : "\(double)"
        }
        return "\(value)"
    }
}
