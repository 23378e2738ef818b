#if canImport(Glibc)
import Glibc
private let systemRead = Glibc.read
private let systemWrite = Glibc.write
#elseif canImport(Darwin)
import Darwin
private let systemRead = Darwin.read
private let systemWrite = Darwin.write
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
            let count = buffer.withUnsafeMutableBytes { systemRead(descriptor, $0.baseAddress, $0.count) }
            if count >= 0 { return count }
            if errno != EINTR { return nil }
        }
    }

    /// The size of the file at `path`, nil when it does not exist.
    static func size(of path: String) -> Int? {
        var info = stat()
        return stat(path, &info) == 0 ? Int(info.st_size) : nil
    }

    enum Kind { case file, directory }

    /// Whether `path` is a readable file or directory; nil when it is missing or unreadable.
    static func kind(of path: String) -> Kind? {
        var info = stat()
        guard stat(path, &info) == 0, access(path, R_OK) == 0 else { return nil }
        return info.st_mode & S_IFMT == S_IFDIR ? .directory : .file
    }

    /// A small file's bytes (nil when missing, unreadable or over `limit`).
    static func contents(of path: String, limit: Int) -> [UInt8]? {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return nil }
        defer { close(descriptor) }
        var result: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 16 * 1024)
        while let count = read(descriptor, into: &buffer), count > 0 {
            result += buffer[..<count]
            if result.count > limit { return nil }
        }
        return result
    }

    /// Writes all of `bytes`, retrying on EINTR and short writes. False on an error (`errno` says which).
    /// Opens (creating with `mode`) the file at `path` for appending, never through a link someone
    /// planted there; the error names the path.
    static func openForAppending(_ path: String, mode: mode_t) throws(EngineError) -> Int32 {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC | O_NOFOLLOW, mode)
        guard descriptor >= 0 else { throw .outputUnwritable(path: path, errorText) }
        return descriptor
    }

    static func writeAll(_ descriptor: Int32, _ bytes: [UInt8]) -> Bool {
        var written = 0
        return writeAll(descriptor, bytes, written: &written)
    }

    /// Writes all of `bytes`; `written` says how many reached the file, also when it fails part way.
    static func writeAll(_ descriptor: Int32, _ bytes: [UInt8], written offset: inout Int) -> Bool {
        offset = 0
        while offset < bytes.count {
            let count = bytes.withUnsafeBytes { systemWrite(descriptor, $0.baseAddress! + offset, $0.count - offset) }
            if count < 0 {
                if errno == EINTR { continue }
                return false
            }
            offset += count
        }
        return true
    }
}
