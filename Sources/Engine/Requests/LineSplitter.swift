/// Splits a byte stream into lines with bounded memory, numbering every physical line.
///
/// A line longer than `maxLineBytes` is not held: its first bytes are kept for the error record and
/// the rest is skipped up to the next newline. Blank lines (only spaces, tabs, `\r`) are counted but
/// not emitted. A final line without a newline is emitted by `finish`. A byte-order mark at the
/// start of the first line is dropped.
struct LineSplitter {
    enum Line: Equatable {
        case text([UInt8])
        /// A line over the limit: its first bytes, and its full length.
        case oversized(prefix: [UInt8], length: Int)
    }

    let maxLineBytes: Int
    private(set) var lineNumber = 0
    private var pending: [UInt8] = []
    private var droppedBytes = 0

    init(maxLineBytes: Int) {
        self.maxLineBytes = maxLineBytes
    }

    mutating func feed(_ chunk: UnsafeRawBufferPointer, emit: (Int, Line) -> Void) {
        var start = 0
        while start < chunk.count {
            if let newline = chunk[start...].firstIndex(of: 0x0A) {
                append(UnsafeRawBufferPointer(rebasing: chunk[start..<newline]))
                endLine(emit: emit)
                start = newline + 1
            } else {
                append(UnsafeRawBufferPointer(rebasing: chunk[start...]))
                start = chunk.count
            }
        }
    }

    mutating func finish(emit: (Int, Line) -> Void) {
        if !pending.isEmpty || droppedBytes > 0 { endLine(emit: emit) }
    }

    private mutating func append(_ bytes: UnsafeRawBufferPointer) {
        if droppedBytes > 0 {
            droppedBytes += bytes.count
            return
        }
        if pending.count + bytes.count > maxLineBytes {
            let room = maxLineBytes - pending.count
            pending.append(contentsOf: bytes.prefix(room))
            droppedBytes = bytes.count - room
            return
        }
        pending.append(contentsOf: bytes)
    }

    private mutating func endLine(emit: (Int, Line) -> Void) {
        lineNumber += 1
        defer {
            pending.removeAll(keepingCapacity: pending.capacity <= 1 << 20)
            droppedBytes = 0
        }
        if droppedBytes > 0 {
            emit(lineNumber, .oversized(prefix: Array(pending.prefix(256)), length: pending.count + droppedBytes))
            return
        }
        if pending.last == 0x0D { pending.removeLast() }
        // A UTF-8 byte-order mark (Windows tools write one) is not part of the first line.
        if lineNumber == 1, pending.starts(with: [0xEF, 0xBB, 0xBF]) { pending.removeFirst(3) }
        if pending.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }) { return }
        emit(lineNumber, .text(pending))
    }
}
