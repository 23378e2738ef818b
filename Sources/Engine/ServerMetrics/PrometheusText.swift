/// Reads the samples of chosen metric families from Prometheus' text format (and OpenMetrics').
///
/// Only what a load reading needs: a sample line is `name{labels} value [timestamp]`; comments,
/// other families, malformed lines, and values that are not finite and at least 0 are skipped, so
/// a page of garbage gives nothing rather than an error. Bounded by its input (the transport caps
/// a page's size).
public enum PrometheusText {
    /// One family's samples over all its label sets.
    struct Family: Sendable, Hashable {
        var sum = 0.0
        var count = 0
        var mean: Double { count > 0 ? sum / Double(count) : 0 }
    }

    /// The samples of the families named in `names`, by name.
    static func families(in bytes: [UInt8], names: Set<String>) -> [String: Family] {
        var result: [String: Family] = [:]
        guard !names.isEmpty else { return result }
        let longest = names.map(\.utf8.count).max() ?? 0
        var start = 0
        while start < bytes.count {
            var end = start
            while end < bytes.count, bytes[end] != 0x0A { end += 1 }
            if let (name, value) = sample(bytes[start..<end], longestName: longest), names.contains(name) {
                result[name, default: Family()].sum += value
                result[name, default: Family()].count += 1
            }
            start = end + 1
        }
        return result
    }

    /// One line's metric name and value; nil for comments and lines that are not a sample.
    static func sample(_ line: ArraySlice<UInt8>, longestName: Int) -> (String, Double)? {
        var index = line.startIndex
        while index < line.endIndex, isNameByte(line[index], first: index == line.startIndex) { index += 1 }
        let nameEnd = index
        guard nameEnd > line.startIndex, nameEnd - line.startIndex <= longestName else { return nil }
        if index < line.endIndex, line[index] == UInt8(ascii: "{") {
            // Label values are quoted and may hold `}` and escaped quotes.
            var quoted = false
            index += 1
            while index < line.endIndex {
                let byte = line[index]
                if quoted && byte == UInt8(ascii: "\\") { index += 2; continue }
                if byte == UInt8(ascii: "\"") { quoted.toggle() }
                if !quoted && byte == UInt8(ascii: "}") { break }
                index += 1
            }
            guard index < line.endIndex else { return nil }
            index += 1
        }
        guard index < line.endIndex, line[index] == UInt8(ascii: " ") || line[index] == UInt8(ascii: "\t") else { return nil }
        while index < line.endIndex, line[index] == UInt8(ascii: " ") || line[index] == UInt8(ascii: "\t") { index += 1 }
        var valueEnd = index
        while valueEnd < line.endIndex, line[valueEnd] != UInt8(ascii: " "), line[valueEnd] != UInt8(ascii: "\r") { valueEnd += 1 }
        guard valueEnd > index, valueEnd - index <= 40, let value = Double(String(decoding: line[index..<valueEnd], as: UTF8.self)) else { return nil }
        guard value.isFinite && value >= 0 else { return nil }
        return (String(decoding: line[line.startIndex..<nameEnd], as: UTF8.self), value)
    }

    fileprivate static func isNameByte(_ byte: UInt8, first: Bool) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "_"), UInt8(ascii: ":"): true
        case UInt8(ascii: "0")...UInt8(ascii: "9"): !first
        default: false
        }
    }
}

extension PrometheusText {
    /// Whether `text` is a metric name (`[a-zA-Z_:][a-zA-Z0-9_:]*`, at most 200 characters).
    public static func isMetricName(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        guard !bytes.isEmpty, bytes.count <= 200 else { return false }
        return bytes.enumerated().allSatisfy { isNameByte($1, first: $0 == 0) }
    }
}
