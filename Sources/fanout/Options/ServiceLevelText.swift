import ArgumentParser
import Engine
import Foundation

/// Parses `--slo ttft=500ms,tpot=50ms,e2e=10s` (any subset, any order) into `ServiceLevels`.
enum ServiceLevelText {
    static func parse(_ text: String) throws -> ServiceLevels {
        var levels = ServiceLevels()
        var seen: Set<String> = []
        let parts = text.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
        for part in parts {
            let pieces = part.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            if pieces.count == 2, !pieces[1].isEmpty, !DurationText.hasUnit(pieces[1]), Double(pieces[1]) != nil {
                throw ValidationError("--slo \(pieces[0])=\(pieces[1]) has no unit: write \(pieces[0])=\(pieces[1])ms (or \(pieces[1])s); a bare number is never taken as a target.")
            }
            guard pieces.count == 2, let seconds = DurationText.seconds(pieces[1]), seconds > 0, seconds <= 86_400 else {
                throw ValidationError("--slo takes targets like ttft=500ms,tpot=50ms,e2e=10s (each a duration above 0, at most 24h), not \"\(part)\".")
            }
            let name = pieces[0].lowercased()
            guard seen.insert(name).inserted else { throw ValidationError("--slo names \(name) twice.") }
            switch name {
            case "ttft": levels.ttft = seconds
            case "tpot": levels.tpot = seconds
            case "e2e", "e2el", "latency": levels.e2e = seconds
            default: throw ValidationError("--slo knows ttft, tpot and e2e, not \(pieces[0]).")
            }
        }
        return levels
    }

    /// Whether the first record of the input asks for a stream itself (`"stream": true` on the
    /// line or in a Batch line's body); false for stdin and unreadable files.
    static func inputStreams(_ path: String) -> Bool {
        guard path != "-" else { return false }
        var streams = false
        try? FileLines.forEach(in: path) { line in
            guard !FileLines.isBlank(line) else { return true }
            let value = try? JSONParser.parse(line)
            streams = [value?["stream"], value?["body"]?["stream"], value?["input"]?["stream"]].contains(.bool(true))
            return false
        }
        return streams
    }
}
