#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Synchronization

/// The worst cases `--max_cost` reserved, written down before their requests are sent, so a run
/// killed with requests in flight (kill -9, a power cut) cannot make its rerun forget them.
///
/// A sidecar beside the save file (`out.jsonl.fanout.spend`), one JSON line per batch of sends:
/// `{"reserved":[["ID",USD],…]}`. Each line is written (one `write`, which a killed process cannot
/// lose) before the batch goes out, and fsync'd with the output files (at least once a second), so
/// the request path pays one system call per batch. A rerun counts every reservation whose record
/// the save and errors files do not show as spent at its worst case (`unsettled`), and keeps only
/// those lines; `--restart` removes the journal with the outputs.
public final class SpendJournal: Sendable {
    private let descriptor: Int32
    private let dirty = Atomic<Bool>(false)
    public let path: String

    public static func path(for savePath: String) -> String { savePath + ".fanout.spend" }

    /// Opens (creating) the journal at `path` for appending.
    public init(path: String) throws(EngineError) {
        self.path = path
        descriptor = try POSIXFile.openForAppending(path, mode: 0o644)
    }

    deinit { close(descriptor) }

    /// Writes one line for these reservations (records' ids and dollars) before their sends.
    public func reserve(_ entries: [(id: String, dollars: Double)]) throws(EngineError) {
        guard !entries.isEmpty else { return }
        var line = Array(#"{"reserved":["#.utf8)
        for (index, entry) in entries.enumerated() {
            if index > 0 { line.append(UInt8(ascii: ",")) }
            line.append(UInt8(ascii: "["))
            JSONValue.encodeString(entry.id, into: &line)
            line.append(UInt8(ascii: ","))
            // Swift's shortest round-trip form: valid JSON for a finite amount, and cheap on the request path.
            line += Array(String(entry.dollars.isFinite ? entry.dollars : 0).utf8)
            line.append(UInt8(ascii: "]"))
        }
        line += Array("]}\n".utf8)
        guard POSIXFile.writeAll(descriptor, line) else { throw .outputUnwritable(path: path, POSIXFile.errorText) }
        dirty.store(true, ordering: .relaxed)
    }

    /// Makes what was written durable (called with the output files' flush).
    public func sync() {
        if dirty.exchange(false, ordering: .relaxed) { fsync(descriptor) }
    }

    /// The journal's reservations whose records `isDone` does not know (a torn last line, or one
    /// that is not a journal line, is skipped): their dollars, and the lines that name them.
    public static func unsettled(at path: String, isDone: (String) -> Bool) -> (dollars: Double, lines: [[UInt8]]) {
        guard let bytes = POSIXFile.contents(of: path, limit: 1 << 30) else { return (0, []) }
        var dollars = 0.0
        var kept: [[UInt8]] = []
        for line in bytes.split(separator: UInt8(ascii: "\n")) {
            guard let value = try? JSONParser.parse(line), case .array(let entries)? = value["reserved"] else { continue }
            var open: [(String, Double)] = []
            for entry in entries {
                guard case .array(let pair) = entry, pair.count == 2, let id = pair[0].stringValue,
                      let usd = pair[1].doubleValue, usd.isFinite, usd >= 0, !isDone(id) else { continue }
                open.append((id, usd))
                dollars += usd
            }
            if !open.isEmpty { kept.append(Array(line)) }
        }
        return (dollars, kept)
    }

    /// Rewrites the journal at `path` to hold only `lines` (atomically); removes it when there are none.
    public static func compact(at path: String, keeping lines: [[UInt8]]) throws(EngineError) {
        guard !lines.isEmpty else {
            unlink(path)
            return
        }
        try AtomicFile.write(lines.flatMap { $0 + [UInt8(ascii: "\n")] }, to: path, what: "the spend journal")
    }
}
