/// Splits a `text/event-stream` body into its events' `data` as bytes arrive.
///
/// `\n`, `\r\n` or `\r` end lines; an event's `data:` lines are joined by newlines; an event ends at
/// a blank line (or at the end of the stream); comments and other fields (`event:`, `id:`) are
/// ignored. Lines are found by scanning whole buffers; only a line a read cut off is copied.
struct EventStreamSplitter: Sendable {
    private var partial: [UInt8] = []
    private var lastWasCR = false
    private var data: [UInt8]?

    private static let dataField = Array("data:".utf8)

    /// The events the bytes complete, oldest first.
    mutating func feed(_ bytes: UnsafeBufferPointer<UInt8>) -> [[UInt8]] {
        var events: [[UInt8]] = []
        var start = 0
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            guard byte == 0x0A || byte == 0x0D else {
                index += 1
                continue
            }
            if byte == 0x0A, lastWasCR, index == start, partial.isEmpty {
                // The LF of a CRLF whose CR ended the line already.
                lastWasCR = false
                index += 1
                start = index
                continue
            }
            if partial.isEmpty {
                line(UnsafeBufferPointer(rebasing: bytes[start..<index]), into: &events)
            } else {
                partial.append(contentsOf: bytes[start..<index])
                let whole = partial
                partial.removeAll(keepingCapacity: true)
                whole.withUnsafeBufferPointer { line($0, into: &events) }
            }
            lastWasCR = byte == 0x0D
            index += 1
            start = index
        }
        if start < bytes.count {
            lastWasCR = false
            partial.append(contentsOf: bytes[start..<bytes.count])
        }
        return events
    }

    /// The last event, when the stream ended without its blank line.
    mutating func finish() -> [[UInt8]] {
        var events: [[UInt8]] = []
        if !partial.isEmpty {
            let whole = partial
            partial = []
            whole.withUnsafeBufferPointer { line($0, into: &events) }
        }
        if let data { events.append(data) }
        data = nil
        return events
    }

    private mutating func line(_ line: UnsafeBufferPointer<UInt8>, into events: inout [[UInt8]]) {
        if line.isEmpty {
            if let data { events.append(data) }
            data = nil
            return
        }
        guard line.starts(with: Self.dataField) else { return }
        var from = Self.dataField.count
        if from < line.count, line[from] == 0x20 { from += 1 }
        let payload = UnsafeBufferPointer(rebasing: line[from...])
        if data == nil { data = Array(payload) } else { data!.append(0x0A); data!.append(contentsOf: payload) }
    }
}
