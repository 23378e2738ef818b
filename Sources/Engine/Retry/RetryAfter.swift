#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads how long a server asked the client to wait, from `retry-after-ms` and `retry-after`.
///
/// `retry-after-ms` (milliseconds) wins over `retry-after`, which may be seconds (fractions allowed)
/// or an HTTP date (IMF-fixdate, e.g. `Wed, 21 Oct 2015 07:28:00 GMT`). Zero, negative and
/// unparsable values count as absent, as some providers send `-1` or `0` meaning "no advice".
/// Waits are capped at one hour so a hostile header cannot stall a run for days.
public enum RetryAfter {
    public static let maximum: Double = 3600

    /// - Parameter wallClock: the current Unix time in seconds, used for the HTTP-date form.
    public static func seconds(retryAfterMs: String?, retryAfter: String?, wallClock: Double) -> Double? {
        if let text = retryAfterMs?.trimmingSpaces, let milliseconds = DecimalText.double(text), milliseconds.isFinite, milliseconds > 0 {
            return min(maximum, milliseconds / 1000)
        }
        guard let text = retryAfter?.trimmingSpaces, !text.isEmpty else { return nil }
        if let seconds = DecimalText.double(text) {
            return seconds.isFinite && seconds > 0 ? min(maximum, seconds) : nil
        }
        guard let date = httpDate(text) else { return nil }
        let wait = date - wallClock
        return wait > 0 ? min(maximum, wait) : nil
    }

    /// Parses an IMF-fixdate into Unix seconds.
    static func httpDate(_ text: String) -> Double? {
        // "Wed, 21 Oct 2015 07:28:00 GMT"
        let parts = text.split(separator: " ")
        guard parts.count == 6, parts[5] == "GMT", let day = Int(parts[1]), let year = Int(parts[3]) else { return nil }
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        guard let month = months.firstIndex(of: String(parts[2])) else { return nil }
        let clock = parts[4].split(separator: ":").compactMap { Int($0) }
        guard clock.count == 3 else { return nil }
        var fields = tm()
        fields.tm_year = Int32(year - 1900)
        fields.tm_mon = Int32(month)
        fields.tm_mday = Int32(day)
        fields.tm_hour = Int32(clock[0])
        fields.tm_min = Int32(clock[1])
        fields.tm_sec = Int32(clock[2])
        let seconds = timegm(&fields)
        return seconds < 0 ? nil : Double(seconds)
    }
}

extension String {
    var trimmingSpaces: String {
        var slice = Substring(self)
        while slice.first?.isWhitespace == true { slice.removeFirst() }
        while slice.last?.isWhitespace == true { slice.removeLast() }
        return String(slice)
    }
}
