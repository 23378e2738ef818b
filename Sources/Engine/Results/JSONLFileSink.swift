import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Appends whole JSON lines to the save and errors files, buffered, with one `write(2)` per batch.
///
/// Each line is encoded completely before it enters the buffer and buffers are written whole, so a
/// reader never sees half an object; a crash can tear only the very last line. The files are
/// opened for append (a rerun adds to them) and fsynced on close.
public final class JSONLFileSink: ResultSink {
    private struct File {
        let path: String
        let descriptor: Int32
        var buffer: [UInt8] = []
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
                opened.forEach { _ = Glibc.close($0.descriptor) }
                throw EngineError.outputUnwritable(path: path, reason)
            }
            opened.append(File(path: path, descriptor: descriptor))
        }
        files = Mutex(opened)
    }

    public func writeSuccess(_ line: JSONValue) throws(EngineError) { try append(line, to: 0) }
    public func writeFailure(_ line: JSONValue) throws(EngineError) { try append(line, to: 1) }

    public func flush() throws(EngineError) {
        try files.withLock { files throws(EngineError) in
            for index in files.indices { try Self.drain(&files[index]) }
        }
    }

    public func close() throws(EngineError) {
        try files.withLock { files throws(EngineError) in
            for index in files.indices where files[index].descriptor >= 0 {
                try Self.drain(&files[index])
                if fsync(files[index].descriptor) != 0 && errno != EINVAL {
                    throw EngineError.outputUnwritable(path: files[index].path, POSIXFile.errorText)
                }
                _ = Glibc.close(files[index].descriptor)
            }
        }
    }

    private func append(_ line: JSONValue, to index: Int) throws(EngineError) {
        try files.withLock { files throws(EngineError) in
            line.encode(into: &files[index].buffer)
            files[index].buffer.append(0x0A)
            if files[index].buffer.count >= Self.bufferLimit { try Self.drain(&files[index]) }
        }
    }

    private static func drain(_ file: inout File) throws(EngineError) {
        guard POSIXFile.writeAll(file.descriptor, file.buffer) else {
            throw EngineError.outputUnwritable(path: file.path, POSIXFile.errorText)
        }
        file.buffer.removeAll(keepingCapacity: true)
    }
}
