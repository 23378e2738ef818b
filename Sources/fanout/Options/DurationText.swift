import ArgumentParser
import Engine
import Foundation

/// Parses durations as operators write them: `200ms`, `1.5s`, `2m`, `1h`, or a bare number of seconds.
enum DurationText {
    /// Whether `text` names its unit (`500ms`), rather than being a bare number.
    static func hasUnit(_ text: String) -> Bool {
        text.trimmingCharacters(in: .whitespaces).last.map(\.isLetter) ?? false
    }

    static func seconds(_ text: String) -> Double? {
        let trimmed = text.lowercased().filter { !$0.isWhitespace }
        let units: [(String, Double)] = [("ms", 0.001), ("us", 0.000_001), ("s", 1), ("m", 60), ("h", 3600)]
        for (suffix, scale) in units where trimmed.hasSuffix(suffix) {
            guard let value = DecimalText.double(trimmed.dropLast(suffix.count)), value >= 0, value.isFinite else { return nil }
            return value * scale
        }
        guard let value = DecimalText.double(trimmed), value >= 0, value.isFinite else { return nil }
        return value
    }
}

/// A duration option's value in seconds: a bare number is seconds (`30`, `0`), and a unit may be
/// given (`30s`, `500ms`, `2m`, `1h`).
struct Seconds: ExpressibleByArgument, Hashable, Sendable, ExpressibleByFloatLiteral, ExpressibleByIntegerLiteral {
    var value: Double

    init(_ value: Double) { self.value = value }
    init(floatLiteral value: Double) { self.value = value }
    init(integerLiteral value: Int) { self.value = Double(value) }

    /// A duration, or any number (`inf`, `nan` and negatives included, so the range check names
    /// the option instead of the parser refusing the text).
    init?(argument: String) {
        guard let seconds = DurationText.seconds(argument) ?? DecimalText.double(argument.trimmingCharacters(in: .whitespaces)) else { return nil }
        value = seconds
    }

    var defaultValueDescription: String {
        value == value.rounded() && abs(value) < 1e15 ? "\(Int(value))s" : "\(value)s"
    }
}
