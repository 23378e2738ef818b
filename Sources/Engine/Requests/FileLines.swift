import Foundation

/// Reads a file's lines a megabyte at a time, for the few places that read JSONL whole (the
/// report rebuilt from a run's files, the first line `--slo` looks at).
public enum FileLines {
    /// Calls `body` with each line (without its newline) until it returns false or the file ends.
    public static func forEach(in path: String, _ body: (ArraySlice<UInt8>) -> Bool) throws(EngineError) {
        guard let handle = FileHandle(forReadingAtPath: path) else { throw .inputUnreadable(path: path, "cannot open it") }
        defer { try? handle.close() }
        var pending: [UInt8] = []
        while true {
            let data: Data
            do { data = try handle.read(upToCount: 1 << 20) ?? Data() } catch { throw .inputUnreadable(path: path, "\(error.localizedDescription)") }
            if data.isEmpty { break }
            pending += data
            var start = 0
            while let newline = pending[start...].firstIndex(of: 0x0A) {
                guard body(pending[start..<newline]) else { return }
                start = newline + 1
            }
            pending.removeFirst(start)
        }
        if !pending.isEmpty { _ = body(pending[...]) }
    }

    /// Whether a line holds only spaces, tabs and a carriage return.
    public static func isBlank(_ line: ArraySlice<UInt8>) -> Bool {
        line.allSatisfy { $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }
    }
}
