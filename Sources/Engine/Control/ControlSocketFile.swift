#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The file a Unix control socket lives at: checked before binding, removed only when stale.
enum ControlSocketFile {
    /// Makes `path` free to bind: nothing there, or a socket no server answers on (removed).
    static func prepare(_ path: String) throws(EngineError) {
        guard path.utf8.count <= ControlAddress.maxSocketPathBytes else {
            throw .configuration("the control socket path is \(path.utf8.count) bytes, over the \(ControlAddress.maxSocketPathBytes)-byte limit of Unix sockets")
        }
        var info = stat()
        guard lstat(path, &info) == 0 else { return }
        guard (info.st_mode & S_IFMT) == S_IFSOCK else {
            throw .configuration("\(path) exists and is not a socket; choose another --control path")
        }
        if isAnswering(path) { throw .configuration("another run listens at \(path)") }
        unlink(path)
    }

    static func inode(_ path: String) -> UInt64? {
        var info = stat()
        guard lstat(path, &info) == 0 else { return nil }
        return UInt64(info.st_ino)
    }

    /// Whether a server accepts connections at the socket `path`.
    static func isAnswering(_ path: String) -> Bool {
        let descriptor = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { return false }
        defer { close(descriptor) }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        guard bytes.count < MemoryLayout.size(ofValue: address.sun_path) else { return false }
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            raw.copyBytes(from: bytes)
            raw[bytes.count] = 0
        }
        return withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) == 0
            }
        }
    }
}
