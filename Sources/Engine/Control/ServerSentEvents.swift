/// Reads a `text/event-stream` body as it arrives: bytes in, each whole event's `data` out.
///
/// Lines end in LF, CRLF or CR; `data:` lines of one event are joined with LF; comments and other
/// fields are skipped. An event larger than `maxEventBytes` is dropped whole.
public struct ServerSentEvents: Sendable {
    public static let maxEventBytes = 16 << 20

    private var line: [UInt8] = []
    private var data: [UInt8] = []
    private var hasData = false
    private var oversized = false
    private var lastWasCR = false

    public init() {}

    /// The events completed by `bytes`, oldest first.
    public mutating func feed(_ bytes: some Sequence<UInt8>) -> [[UInt8]] {
        var events: [[UInt8]] = []
        for byte in bytes {
            if byte == 0x0A && lastWasCR {
                lastWasCR = false
                continue
            }
            lastWasCR = byte == 0x0D
            if byte == 0x0A || byte == 0x0D {
                if let event = endLine() { events.append(event) }
            } else if line.count < Self.maxEventBytes {
                line.append(byte)
            } else {
                oversized = true
            }
        }
        return events
    }

    private mutating func endLine() -> [UInt8]? {
        defer { line.removeAll(keepingCapacity: true) }
        if line.isEmpty {
            defer { data = []; hasData = false; oversized = false }
            return hasData && !oversized ? data : nil
        }
        let prefix = Array("data:".utf8)
        guard line.starts(with: prefix) else { return nil }
        var value = line.dropFirst(prefix.count)
        if value.first == 0x20 { value = value.dropFirst() }
        if hasData { data.append(0x0A) }
        data.append(contentsOf: value)
        hasData = true
        if data.count > Self.maxEventBytes { oversized = true; data = [] }
        return nil
    }
}
