#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What an earlier run already finished: the records in the save and errors files.
///
/// Reading repairs a crash's damage first: a last line without its newline (a write torn by a
/// crash) is cut off, so the record is sent again and the file stays one whole object per line.
/// Lines are scanned, not parsed, so a line of any length gives up its id. Only regular files are
/// read (a save path such as `/dev/stdout` is written to, never read back).
public struct ResumeIndex: Sendable {
    /// Ids of records that were sent and written (answers and final failures).
    public var answered = IDSet()
    /// Lines written as refused without being sent (bad lines, repeated ids).
    public var refusedLines: Set<Int> = []
    /// Ids of the refused lines' records.
    public var refusedIDs = IDSet()
    /// Whole lines read.
    public var lines = 0
    /// Torn last lines removed (0, 1 or 2).
    public var tornLines = 0
    /// Whole lines of the errors file: records an earlier run gave up on.
    public var failedBefore = 0
    /// Fingerprints of the input lines records were written for, by line number (`FinishedRecords`).
    public var fingerprints: [Int: UInt64] = [:]
    /// US dollars the files' `cost_usd` fields add up to.
    public var recordedCost = 0.0
    /// Usage recorded by Batch-shaped lines (which carry no `cost_usd`), summed by model.
    public var batchUsage: [String: TokenUsage] = [:]

    public init() {}

    /// Every id in either file.
    public var done: IDSet { answered.union(refusedIDs) }

    /// What a run needs to skip what is finished.
    public var finished: FinishedRecords { FinishedRecords(ids: answered, refusedLines: refusedLines, fingerprints: fingerprints) }

    /// Reads both files (missing ones count as empty), repairing torn last lines.
    /// With `restart`, empties both files instead and returns an empty index.
    public static func prepare(savePath: String, errorsPath: String, restart: Bool) throws(EngineError) -> ResumeIndex {
        var index = ResumeIndex()
        for path in [savePath, errorsPath] {
            let descriptor = open(path, O_RDWR | O_CLOEXEC)
            if descriptor < 0 {
                if errno == ENOENT { continue }
                throw .outputUnwritable(path: path, POSIXFile.errorText)
            }
            defer { close(descriptor) }
            guard FileIdentity(descriptor: descriptor)?.isRegular == true else { continue }
            if restart {
                guard ftruncate(descriptor, 0) == 0 else { throw .outputUnwritable(path: path, POSIXFile.errorText) }
                continue
            }
            let before = index.lines
            try index.read(descriptor, path: path)
            if path == errorsPath { index.failedBefore = index.lines - before }
        }
        return index
    }

    private mutating func read(_ descriptor: Int32, path: String) throws(EngineError) {
        var scanner = OutputLineScanner()
        var buffer = [UInt8](repeating: 0, count: 1 << 20)
        var size = 0
        var lastByte: UInt8 = 0x0A
        var endOfLastWholeLine = 0
        while true {
            guard let count = POSIXFile.read(descriptor, into: &buffer) else {
                throw .outputUnwritable(path: path, POSIXFile.errorText)
            }
            if count == 0 { break }
            if let newline = buffer[..<count].lastIndex(of: 0x0A) { endOfLastWholeLine = size + newline + 1 }
            lastByte = buffer[count - 1]
            size += count
            buffer.withUnsafeBytes { bytes in
                scanner.feed(UnsafeRawBufferPointer(rebasing: bytes[..<count])) { fields in add(fields) }
            }
        }
        if lastByte != 0x0A {
            // The torn line never ended in the scanner (it has no newline), so its id is not counted.
            guard ftruncate(descriptor, off_t(endOfLastWholeLine)) == 0 else {
                throw .outputUnwritable(path: path, POSIXFile.errorText)
            }
            tornLines += 1
        }
    }

    private mutating func add(_ fields: OutputLineScanner.Fields) {
        guard let id = fields.recordID else { return }
        lines += 1
        let refused = fields.refusedLine
        if let token = fields.fingerprint, let fingerprint = LineFingerprint.parse(token),
           let line = refused ?? fields.line.flatMap({ Int(String(decoding: $0, as: UTF8.self)) }) ?? RecordFilter.lineNumber(id) {
            fingerprints[line] = fingerprint
        }
        addCost(fields)
        if let line = refused {
            refusedLines.insert(line)
            refusedIDs.insert(id)
        } else {
            answered.insert(id)
        }
    }
}
