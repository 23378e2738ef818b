/// Decides, for each item read, whether it is sent: skips what an earlier run finished and turns a
/// repeated id into an error record, so no id is sent twice.
///
/// The id rule: a line's id is its `custom_id`, else its `id`, else its line number. Every line
/// claims its id, whichever way it got it, so a line without an id whose number another line names
/// (line 5 with no id after a line with `"id": "5"`) repeats that id like any other repeat; the later
/// of the two is refused. Named ids are remembered as fingerprints (`IDSet`); lines named by their
/// number cost one bit each.
public struct RecordFilter: Sendable {
    public enum Verdict: Sendable, Hashable {
        case send(RequestRecord)
        /// An earlier run wrote this line's record to the save or errors file.
        case alreadyDone
        /// Written to the errors file as it is (a bad line, or a repeated id).
        case reject(BadLine)
        /// Another shard's record: not this run's business.
        case otherShard
        /// An earlier run finished a record for this line number from a different line: the input
        /// changed, and skipping or sending it would both be wrong.
        case changed(line: Int)
    }

    private let finished: FinishedRecords
    private let shard: Shard?
    /// Ids that lines named.
    private var named = IDSet()
    /// Lines whose id is their line number.
    private var numbered = LineSet()

    public init(finished: FinishedRecords = FinishedRecords(), shard: Shard? = nil) {
        self.finished = finished
        self.shard = shard
    }

    /// Ids an earlier run finished, with refused lines matched by id.
    public init(alreadyDone: IDSet, shard: Shard? = nil) {
        self.init(finished: FinishedRecords(ids: alreadyDone), shard: shard)
    }

    public mutating func admit(_ item: SourceItem) -> Verdict {
        switch item {
        case .bad(let bad):
            if let shard, !shard.contains(bad.id) { return .otherShard }
            _ = claim(bad.id, line: bad.line, named: bad.namedID)
            guard finished.hasRefused(line: bad.line, id: bad.id) else { return .reject(bad) }
            return finished.matches(line: bad.line, bad.fingerprint) ? .alreadyDone : .changed(line: bad.line)
        case .record(let record):
            if let shard, !shard.contains(record.id) { return .otherShard }
            if claim(record.id, line: record.line, named: record.namedID) {
                guard finished.hasRefused(line: record.line, id: record.id) else { return .reject(Self.duplicate(record)) }
                return finished.matches(line: record.line, record.fingerprint) ? .alreadyDone : .changed(line: record.line)
            }
            guard finished.ids.contains(record.id) else { return .send(record) }
            // Named ids match by id alone: editing a named line does not resend it.
            return record.namedID || finished.matches(line: record.line, record.fingerprint) ? .alreadyDone : .changed(line: record.line)
        }
    }

    /// Claims `id` for `line`; true when an earlier line holds it already.
    private mutating func claim(_ id: String, line: Int, named isNamed: Bool) -> Bool {
        guard isNamed else {
            numbered.insert(line)
            return !named.isEmpty && named.contains(id)
        }
        if let number = Self.lineNumber(id), number < line, numbered.contains(number) { return true }
        return !named.insert(id)
    }

    /// The line number `id` would be the id of: canonical decimal digits, 1 or more.
    static func lineNumber(_ id: String) -> Int? {
        guard let first = id.utf8.first, first != UInt8(ascii: "0"), id.utf8.count <= 18,
              id.utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }) else { return nil }
        return Int(id)
    }

    private static func duplicate(_ record: RequestRecord) -> BadLine {
        let reason = record.namedID
            ? "duplicate id \"\(record.id)\" (an earlier line has it; this one is not sent)"
            : "duplicate id \"\(record.id)\" (this line names no id, so its line number is its id, and an earlier line names \"\(record.id)\" as its id; this one is not sent)"
        return BadLine(id: record.id, line: record.line, raw: record.input.stringValue ?? record.input.encodedString,
                       reason: reason, namedID: record.namedID, fingerprint: record.fingerprint)
    }
}
