import Foundation

/// `--deadline`: a time of day (`09:00`, `9:30`, local time; tomorrow when it has passed today) or a duration (`6h`).
enum DeadlineText {
    /// Seconds from `now` (Unix seconds) to the deadline `text` names; nil when it names none
    /// (or one more than 7 days away, or not in the future).
    static func secondsFromNow(_ text: String, now: Double) -> Double? {
        if let seconds = DurationText.seconds(text) { return seconds > 0 && seconds <= 7 * 86_400 ? seconds : nil }
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2 || parts.count == 3, let hour = Int(parts[0]), let minute = Int(parts[1]),
              (0...23).contains(hour), (0...59).contains(minute), parts[1].count == 2 else { return nil }
        let second = parts.count == 3 ? Int(parts[2]) ?? -1 : 0
        guard (0...59).contains(second) else { return nil }
        let calendar = Calendar.current
        let today = Date(timeIntervalSince1970: now)
        guard var target = calendar.date(bySettingHour: hour, minute: minute, second: second, of: today) else { return nil }
        if target.timeIntervalSince1970 <= now { target = calendar.date(byAdding: .day, value: 1, to: target) ?? target }
        return target.timeIntervalSince1970 - now
    }
}
