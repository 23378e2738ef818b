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
