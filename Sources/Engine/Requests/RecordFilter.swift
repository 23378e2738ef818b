/// Decides, for each item read, whether it is sent: skips what an earlier run finished and turns a
/// repeated id into an error record, so no id is sent twice.
///
/// Only ids a line names (`custom_id`, `id`) are remembered; line-number ids are unique by
/// construction, so a file without ids costs no memory here.
public struct RecordFilter: Sendable {
    public enum Verdict: Sendable, Hashable {
        case send(RequestRecord)
        /// An earlier run wrote this id to the save or errors file.
        case alreadyDone
        /// Written to the errors file as it is (a bad line, or a repeated id).
        case reject(BadLine)
        /// Another shard's record: not this run's business.
        case otherShard
    }

    private let alreadyDone: IDSet
    private let shard: Shard?
    private var seen = IDSet()

    public init(alreadyDone: IDSet = IDSet(), shard: Shard? = nil) {
        self.alreadyDone = alreadyDone
        self.shard = shard
    }

    public mutating func admit(_ item: SourceItem) -> Verdict {
        switch item {
        case .bad(let bad):
            if let shard, !shard.contains(bad.id) { return .otherShard }
            return alreadyDone.contains(bad.id) ? .alreadyDone : .reject(bad)
        case .record(let record):
            if let shard, !shard.contains(record.id) { return .otherShard }
            if alreadyDone.contains(record.id) { return .alreadyDone }
            guard record.id != String(record.line) else { return .send(record) }
            guard seen.insert(record.id) else {
                return .reject(BadLine(id: record.id, line: record.line, raw: record.input.stringValue ?? record.input.encodedString,
                                       reason: "duplicate id \"\(record.id)\" (an earlier line has it; this one is not sent)"))
            }
            return .send(record)
        }
    }
}
