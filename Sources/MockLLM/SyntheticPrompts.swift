import Engine

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A deterministic file of varied prompts for the demo and the benchmark.
public enum SyntheticPrompts {
    static let subjects = ["the ocean", "a lighthouse keeper", "quantum tunnelling", "sourdough bread", "the Roman roads",
                           "a chess endgame", "monsoon season", "the first compiler", "honeybee dances", "a night train"]
    static let tasks = ["Summarise in two sentences:", "Write a haiku about", "Explain to a ten-year-old:", "List three facts about",
                        "Give a one-line title for a story about", "Translate into plain English a note on"]

    /// Line `index` (1-based) in seed form, with `metadata` naming the row.
    public static func line(_ index: Int) -> [UInt8] {
        let task = tasks[index % tasks.count]
        let subject = subjects[(index / tasks.count) % subjects.count]
        return JSONValue.object([
            JSONField("input", .string("\(task) \(subject) (#\(index))")),
            JSONField("metadata", .object([JSONField("row", .number(index))])),
        ]).encodedBytes
    }

    /// Writes `count` lines to `path` in large chunks; throws `EngineError` when it cannot.
    public static func write(count: Int, to path: String) throws(EngineError) {
        guard let file = fopen(path, "w") else { throw .outputUnwritable(path: path, "cannot create") }
        defer { fclose(file) }
        var buffer: [UInt8] = []
        buffer.reserveCapacity(1 << 20)
        for index in 1...max(1, count) {
            buffer += line(index)
            buffer.append(0x0A)
            if buffer.count >= 1 << 20 || index == count {
                guard fwrite(buffer, 1, buffer.count, file) == buffer.count else { throw .outputUnwritable(path: path, "write failed") }
                buffer.removeAll(keepingCapacity: true)
            }
        }
    }
}

