#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A file as the system knows it (device and inode), so two paths — through a symlink, a hard link
/// or `..` — can be told to be the same file.
public struct FileIdentity: Sendable, Hashable {
    let device: UInt64
    let inode: UInt64
    /// A regular file (not a device, pipe or directory).
    public let isRegular: Bool

    /// The file at `path` (symlinks followed); nil when there is none.
    public init?(path: String) {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        self.init(info)
    }

    /// The entry at `path` itself (a symlink is not followed); nil when there is none.
    public init?(linkAt path: String) {
        var info = stat()
        guard lstat(path, &info) == 0 else { return nil }
        self.init(info)
    }

    /// The open file `descriptor` (e.g. 0 for stdin); nil when it is not open.
    public init?(descriptor: Int32) {
        var info = stat()
        guard fstat(descriptor, &info) == 0 else { return nil }
        self.init(info)
    }

    private init(_ info: stat) {
        device = UInt64(info.st_dev)
        inode = UInt64(info.st_ino)
        isRegular = (info.st_mode & S_IFMT) == S_IFREG
    }
}
