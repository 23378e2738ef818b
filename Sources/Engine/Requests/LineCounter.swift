import Dispatch

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Counts a file's non-blank lines quickly, off the cooperative pool, for progress and ETA.
public enum LineCounter {
    /// The number of lines holding anything but spaces, tabs and `\r` — the records a run will
    /// finish — or nil when the file cannot be read (or is stdin).
    public static func countRecords(path: String) async -> Int? {
        guard path != "-" else { return nil }
        return await withCheckedContinuation { continuation in
            DispatchQueue.global(qos: .utility).async {
                continuation.resume(returning: count(path: path))
            }
        }
    }

    /// The records of `path` that belong to `shard` (by the same id rule the run's filter uses),
    /// counted exactly; each line is parsed for its id, so this takes longer than `countRecords`.
    public static func countRecords(path: String, shard: Shard) async -> Int? {
        guard path != "-" else { return nil }
        return await withCheckedContinuation { continuation in
            DispatchQueue.global(qos: .utility).async {
                continuation.resume(returning: count(path: path, shard: shard))
            }
        }
    }

    static func count(path: String, shard: Shard) -> Int? {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return nil }
        defer { close(descriptor) }
        var buffer = [UInt8](repeating: 0, count: 1 << 20)
        var splitter = LineSplitter(maxLineBytes: InputLine.defaultMaxLineBytes)
        var records = 0
        let emit: (Int, LineSplitter.Line) -> Void = { number, line in
            var id = String(number)
            if case .text(let bytes) = line, let value = try? JSONParser.parse(bytes), let named = InputLine.recordID(value) { id = named }
            if shard.contains(id) { records += 1 }
        }
        while true {
            guard let count = POSIXFile.read(descriptor, into: &buffer) else { return nil }
            if count == 0 { break }
            buffer.withUnsafeBytes { splitter.feed(UnsafeRawBufferPointer(rebasing: $0[..<count]), emit: emit) }
        }
        splitter.finish(emit: emit)
        return records
    }

    static func count(path: String) -> Int? {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return nil }
        defer { close(descriptor) }
        var buffer = [UInt8](repeating: 0, count: 1 << 20)
        var records = 0
        var lineHasText = false
        while true {
            guard let count = POSIXFile.read(descriptor, into: &buffer) else { return nil }
            if count == 0 { break }
            buffer.withUnsafeBytes { bytes in
                for byte in bytes[..<count] {
                    switch byte {
                    case 0x0A:
                        if lineHasText { records += 1 }
                        lineHasText = false
                    case 0x20, 0x09, 0x0D: break
                    default: lineHasText = true
                    }
                }
            }
        }
        return records + (lineHasText ? 1 : 0)
    }
}
