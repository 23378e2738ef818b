/// The range of every numeric setting, in one place: the options, the keys and a control client's
/// commands are all held to these (the CLI refuses a value outside one with a sentence naming it).
public enum Limits {
    public static let rate = 0.0...1_000_000
    /// US dollars (`--max_cost`).
    public static let cost = 0.0...1_000_000_000
    public static let attempts = 1...100
    public static let inFlight = 1...1_000_000
    public static let timeout = 0.001...86_400.0
    public static let connectTimeout = 0.001...3_600.0
    public static let maxTokens = 1...10_000_000
    public static let drainTimeout = 0.0...86_400
    public static let responseBytes = 1024...(2 << 30)
    public static let ejectAfter = 1...1_000_000
    public static let tokensPerMinute = 0.0...1_000_000_000_000
    public static let unreachableAfter = 1.0...86_400
    /// `--rate_limit_patience`, seconds: up to a week.
    public static let patience = 0.0...604_800
    public static let weight = 0.0...1_000_000
    public static let temperature = 0.0...2
    public static let shards = 1...1_000_000
    /// Mock and demo durations (latency, `--duration`), seconds.
    public static let mockSeconds = 0.0...3_600
    public static let demoSeconds = 0.001...604_800.0

    /// The ranges a control client's commands are held to: the keys' and the options'.
    public static var commandRanges: ControlCommand.Ranges {
        ControlCommand.Ranges(rate: rate, weight: weight, inFlight: inFlight)
    }

    /// The command ranges of a run of `endpoints`: which of them are batch routes, and whether any is real-time.
    public static func commandRanges(for endpoints: [EndpointConfiguration]) -> ControlCommand.Ranges {
        var ranges = commandRanges
        ranges.batchRoutes = Set(endpoints.filter { $0.batch != nil }.map(\.name))
        ranges.hasRealtime = endpoints.contains { $0.batch == nil }
        return ranges
    }

    /// `1 – 100 s`: a range as the docs and the error sentences write it.
    public static func text<Value>(_ range: ClosedRange<Value>, _ unit: String = "") -> String {
        "\(text(range.lowerBound)) – \(text(range.upperBound))" + (unit.isEmpty ? "" : " " + unit)
    }

    /// `1,000,000` for whole numbers, the number as Swift writes it otherwise.
    public static func text<Value>(_ value: Value) -> String {
        if let integer = value as? Int { return Format.count(integer) }
        if let double = value as? Double {
            return double == double.rounded() && abs(double) < 1e15 ? Format.count(Int(double)) : "\(double)"
        }
        return "\(value)"
    }
}
