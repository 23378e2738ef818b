#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The few raw file operations the reader, the line counter, the resume index, the sink and the
/// log share.
enum POSIXFile {
    /// The text of the current `errno` ("No such file or directory").
    static var errorText: String { String(cString: strerror(errno)) }

    /// Reads up to `buffer.count` bytes, retrying on EINTR. Returns 0 at the end, nil on an error
    /// (`errno` says which).
    static func read(_ descriptor: Int32, into buffer: inout [UInt8]) -> Int? {
        while true {
            let count = buffer.withUnsafeMutableBytes { Glibc.read(descriptor, $0.baseAddress, $0.count) }
            if count >= 0 { return count }
            if errno != EINTR { return nil }
        }
    }

    /// Writes all of `bytes`, retrying on EINTR and short writes. False on an error (`errno` says which).
    static func writeAll(_ descriptor: Int32, _ bytes: [UInt8]) -> Bool {
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeBytes { Glibc.write(descriptor, $0.baseAddress! + offset, $0.count - offset) }
            if written < 0 {
                if errno == EINTR { continue }
                return false
            }
            offset += written
        }
        return true
    }
}

extension Duration {
    /// This duration in seconds, as the engine's pure types take time.
    public var inSeconds: Double {
        Double(components.seconds) + Double(components.attoseconds) * 1e-18
    }
}
