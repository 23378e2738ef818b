#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Synchronization

/// The batches a run has packed, uploaded and created, written down (fsync'd) at each step, so a
/// rerun after a crash finds every batch still open at the provider and never sends its records again.
///
/// A sidecar beside the save file (`out.jsonl.fanout.batches`), one JSON line per step:
/// `{"packed":KEY,"endpoint":NAME,"at":UNIX,"lines":[[LINE,CUSTOM_ID],…]}` before the upload,
/// `{"uploaded":KEY,"file_id":ID}`, `{"created":KEY,"batch_id":ID}`, and `{"done":KEY}` once the
/// batch's results are in the output files. A torn last line is skipped.
public final class BatchJournal: Sendable {
    /// One batch the journal knows, as far as it got.
    public struct Entry: Sendable, Hashable {
        public var key: String
        public var endpoint: String
        /// Unix seconds it was packed.
        public var at: Double
        public var lines: [Int]
        public var customIDs: [String]
        public var fileID: String?
        public var batchID: String?
    }

    private let descriptor: Int32
    public let path: String
    private let lock = Mutex(())

    public static func path(for savePath: String) -> String { savePath + ".fanout.batches" }

    /// Opens (creating) the journal at `path` for appending.
    public init(path: String) throws(EngineError) {
        self.path = path
        descriptor = try POSIXFile.openForAppending(path, mode: 0o600)
    }

    deinit { close(descriptor) }

    /// Removes the journal's file: every batch in it is done.
    public func remove() { unlink(path) }

    /// Writes the batch's records before anything of it leaves the machine.
    public func packed(key: String, endpoint: String, at: Double, members: [(line: Int, customID: String)]) throws(EngineError) {
        let lines = JSONValue.array(members.map { .array([.number($0.line), .string($0.customID)]) })
        try append(.object([JSONField("packed", .string(key)), JSONField("endpoint", .string(endpoint)),
                            JSONField("at", .number(at.rounded(.down))), JSONField("lines", lines)]))
    }

    public func uploaded(key: String, fileID: String) throws(EngineError) {
        try append(.object([JSONField("uploaded", .string(key)), JSONField("file_id", .string(fileID))]))
    }

    public func created(key: String, batchID: String) throws(EngineError) {
        try append(.object([JSONField("created", .string(key)), JSONField("batch_id", .string(batchID))]))
    }

    /// The batch's results are written: a rerun has nothing left to do for it.
    public func done(key: String) throws(EngineError) {
        try append(.object([JSONField("done", .string(key))]))
    }

    /// One line, written whole and made durable before this returns.
    private func append(_ value: JSONValue) throws(EngineError) {
        let line = value.encodedBytes + [UInt8(ascii: "\n")]
        let written = lock.withLock { _ in POSIXFile.writeAll(descriptor, line) && fsync(descriptor) == 0 }
        guard written else { throw .outputUnwritable(path: path, POSIXFile.errorText) }
    }

    /// The entries at `path` not marked done, in the order they were packed.
    public static func unfinished(at path: String) -> [Entry] {
        guard let bytes = POSIXFile.contents(of: path, limit: 1 << 30) else { return [] }
        var entries: [String: Entry] = [:]
        var order: [String] = []
        for line in bytes.split(separator: UInt8(ascii: "\n")) {
            guard let value = try? JSONParser.parse(line) else { continue }
            if let key = value["packed"]?.stringValue, let endpoint = value["endpoint"]?.stringValue, case .array(let pairs)? = value["lines"] {
                var entry = Entry(key: key, endpoint: endpoint, at: value["at"]?.doubleValue ?? 0, lines: [], customIDs: [])
                for pair in pairs {
                    guard let number = pair[0]?.intValue, let id = pair[1]?.stringValue else { continue }
                    entry.lines.append(number)
                    entry.customIDs.append(id)
                }
                if entries[key] == nil { order.append(key) }
                entries[key] = entry
            } else if let key = value["uploaded"]?.stringValue {
                entries[key]?.fileID = value["file_id"]?.stringValue
            } else if let key = value["created"]?.stringValue {
                entries[key]?.batchID = value["batch_id"]?.stringValue
            } else if let key = value["done"]?.stringValue {
                entries.removeValue(forKey: key)
            }
        }
        return order.compactMap { entries[$0] }
    }

    /// Rewrites the journal at `path` to hold only `entries` (atomically); removes it when there are none.
    public static func compact(at path: String, keeping entries: [Entry]) throws(EngineError) {
        guard !entries.isEmpty else {
            unlink(path)
            return
        }
        var out: [UInt8] = []
        for entry in entries {
            let lines = JSONValue.array(zip(entry.lines, entry.customIDs).map { .array([.number($0.0), .string($0.1)]) })
            var steps: [JSONValue] = [.object([JSONField("packed", .string(entry.key)), JSONField("endpoint", .string(entry.endpoint)),
                                               JSONField("at", .number(entry.at)), JSONField("lines", lines)])]
            if let fileID = entry.fileID { steps.append(.object([JSONField("uploaded", .string(entry.key)), JSONField("file_id", .string(fileID))])) }
            if let batchID = entry.batchID { steps.append(.object([JSONField("created", .string(entry.key)), JSONField("batch_id", .string(batchID))])) }
            for step in steps { out += step.encodedBytes + [UInt8(ascii: "\n")] }
        }
        try AtomicFile.write(out, to: path, what: "the batch journal")
    }
}
