import Synchronization

#if canImport(Glibc)
import Glibc
private let systemClose = Glibc.close
#elseif canImport(Darwin)
import Darwin
private let systemClose = Darwin.close
#endif

/// Appends whole JSON lines to the save and errors files, buffered, with one `write(2)` per batch.
///
/// Each line is encoded completely before it enters the buffer and buffers are written whole, so a
/// reader never sees half an object; a crash can tear only the very last line. The files are
/// opened for append (a rerun adds to them) and fsynced on close. Every flush also checks that each
/// regular file is still the one opened: deleted, or replaced under its path (its directory removed,
/// say), it fails the run rather than write into a file nobody can find.
public final class JSONLFileSink: ResultSink {
    private struct File {
        let path: String
        let descriptor: Int32
        /// The file as opened; nil for devices and pipes, which are not checked.
        let identity: FileIdentity?
        var buffer: [UInt8] = []
        var bufferedLines = 0
        var writtenLines = 0
    }

    /// Bytes buffered per file before a write is forced.
    static let bufferLimit = 256 * 1024

    private let files: Mutex<[File]>

    /// Opens (creating if needed) both files for appending; throws when either cannot be opened.
    public init(savePath: String, errorsPath: String) throws(EngineError) {
        var opened: [File] = []
        for path in [savePath, errorsPath] {
            let descriptor = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o644)
            guard descriptor >= 0 else {
                let reason = POSIXFile.errorText
                opened.forEach { _ = systemClose($0.descriptor) }
                throw EngineError.outputUnwritable(path: path, reason)
            }
            let identity = FileIdentity(descriptor: descriptor).flatMap { $0.isRegular ? $0 : nil }
            opened.append(File(path: path, descriptor: descriptor, identity: identity))
        }
        files = Mutex(opened)
    }

    public func writeSuccess(_ line: JSONValue) throws(EngineError) { try append(line, to: 0) }
    public func writeFailure(_ line: JSONValue) throws(EngineError) { try append(line, to: 1) }

    public var linesWritten: WrittenLines {
        files.withLock { WrittenLines(saved: $0[0].writtenLines, failed: $0[1].writtenLines) }
    }

    public func flush() throws(EngineError) {
        try files.withLock { files throws(EngineError) in
            for index in files.indices {
                try Self.checkStillThere(files[index])
                try Self.drain(&files[index])
            }
        }
    }

    public func close() throws(EngineError) {
        try files.withLock { files throws(EngineError) in
            for index in files.indices where files[index].descriptor >= 0 {
                try Self.checkStillThere(files[index])
                try Self.drain(&files[index])
                if fsync(files[index].descriptor) != 0 && errno != EINVAL {
                    throw EngineError.outputUnwritable(path: files[index].path, POSIXFile.errorText)
                }
                _ = systemClose(files[index].descriptor)
            }
        }
    }

    private func append(_ line: JSONValue, to index: Int) throws(EngineError) {
        try files.withLock { files throws(EngineError) in
            line.encode(into: &files[index].buffer)
            files[index].buffer.append(0x0A)
            files[index].bufferedLines += 1
            if files[index].buffer.count >= Self.bufferLimit { try Self.drain(&files[index]) }
        }
    }

    private static func drain(_ file: inout File) throws(EngineError) {
        guard !file.buffer.isEmpty else { return }
        var written = 0
        let succeeded = POSIXFile.writeAll(file.descriptor, file.buffer, written: &written)
        if succeeded {
            file.writtenLines += file.bufferedLines
        } else {
            let reason = POSIXFile.errorText
            file.writtenLines += file.buffer[..<written].count { $0 == 0x0A }
            file.buffer.removeAll()
            file.bufferedLines = 0
            throw EngineError.outputUnwritable(path: file.path, reason)
        }
        file.buffer.removeAll(keepingCapacity: true)
        file.bufferedLines = 0
    }

    /// Fails when the open file was deleted, or its path now names another file (or none).
    private static func checkStillThere(_ file: File) throws(EngineError) {
        guard let identity = file.identity else { return }
        var info = stat()
        if fstat(file.descriptor, &info) == 0, info.st_nlink == 0 {
            throw EngineError.outputUnwritable(path: file.path, "the file was deleted while the run was writing it")
        }
        guard FileIdentity(path: file.path) == identity else {
            throw EngineError.outputUnwritable(path: file.path, "the file (or its directory) was removed or replaced while the run was writing it")
        }
    }
}
