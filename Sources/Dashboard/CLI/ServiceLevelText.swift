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
        guard path != "-", let handle = FileHandle(forReadingAtPath: path) else { return false }
        defer { try? handle.close() }
        var buffer: [UInt8] = []
        while buffer.count < 4 << 20, let data = try? handle.read(upToCount: 1 << 16), !data.isEmpty {
            buffer += data
            while let end = buffer.firstIndex(of: 0x0A) {
                let line = buffer[..<end]
                if !line.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }) {
                    guard let value = try? JSONParser.parse(line) else { return false }
                    return value["stream"] == .bool(true) || value["body"]?["stream"] == .bool(true)
                        || value["input"]?["stream"] == .bool(true)
                }
                buffer.removeSubrange(...end)
            }
        }
        return (try? JSONParser.parse(buffer)).map { $0["stream"] == .bool(true) || $0["body"]?["stream"] == .bool(true) } ?? false
    }
}
