import Dispatch

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Counts a file's non-blank lines quickly, off the cooperative pool, for progress and ETA.
public enum LineCounter {
    /// The records a run will finish — the lines holding anything but spaces, tabs and `\r`, or
    /// with a shard only its own (by the id rule the run's filter uses; each line is then parsed
    /// for its id, which takes longer) — or nil when the file cannot be read (or is stdin).
    public static func countRecords(path: String, shard: Shard? = nil) async -> Int? {
        guard path != "-" else { return nil }
        return await withCheckedContinuation { continuation in
            DispatchQueue.global(qos: .utility).async {
                continuation.resume(returning: shard.map { count(path: path, shard: $0) } ?? count(path: path))
            }
        }
    }

    static func count(path: String, shard: Shard) -> Int? {
        var splitter = LineSplitter(maxLineBytes: InputLine.defaultMaxLineBytes)
        var records = 0
        let emit: (Int, LineSplitter.Line) -> Void = { number, line in
            var id = String(number)
            if case .text(let bytes) = line, let value = try? JSONParser.parse(bytes), let named = InputLine.recordID(value) { id = named }
            if shard.contains(id) { records += 1 }
        }
        guard forEachChunk(of: path, { splitter.feed($0, emit: emit) }) else { return nil }
        splitter.finish(emit: emit)
        return records
    }

    static func count(path: String) -> Int? {
        var records = 0
        var lineHasText = false
        let read = forEachChunk(of: path) { bytes in
            guard let base = bytes.baseAddress?.assumingMemoryBound(to: UInt8.self) else { return }
            let end = base + bytes.count
            var start = base
            // memchr finds each newline; a line's text is usually its first byte, so the search for
            // one stops at once and the whole file goes at memchr's speed.
            while start < end {
                let newline = memchr(start, 0x0A, end - start).map { UnsafePointer($0.assumingMemoryBound(to: UInt8.self)) } ?? end
                if !lineHasText {
                    var cursor = start
                    while cursor < newline, cursor.pointee == 0x20 || cursor.pointee == 0x09 || cursor.pointee == 0x0D { cursor += 1 }
                    lineHasText = cursor < newline
                }
                guard newline < end else { return }
                if lineHasText { records += 1 }
                lineHasText = false
                start = newline + 1
            }
        }
        return read ? records + (lineHasText ? 1 : 0) : nil
    }

    /// Hands the file's bytes to `body` in 1 MiB chunks; false when it cannot be opened or read.
    private static func forEachChunk(of path: String, _ body: (UnsafeRawBufferPointer) -> Void) -> Bool {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return false }
        defer { close(descriptor) }
        var buffer = [UInt8](repeating: 0, count: 1 << 20)
        while true {
            guard let count = POSIXFile.read(descriptor, into: &buffer) else { return false }
            if count == 0 { return true }
            buffer.withUnsafeBytes { body(UnsafeRawBufferPointer(rebasing: $0[..<count])) }
        }
    }
}
