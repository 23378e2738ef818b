/// What an earlier run already wrote, as a resumed run needs it: the ids of records it sent, and
/// the lines it refused without sending (bad lines, repeated ids).
///
/// Refused lines are known by their line number, not their id: a repeated id's error record carries
/// the id of the line it repeats, and must never stand in for that line.
public struct FinishedRecords: Sendable {
    /// Ids of records an earlier run sent and wrote (answers and final failures).
    public var ids: IDSet
    /// Lines an earlier run wrote as refused; nil when unknown (then refused lines match by id, as
    /// fanout did before it kept them apart).
    public var refusedLines: Set<Int>?

    public init(ids: IDSet = IDSet(), refusedLines: Set<Int>? = nil) {
        self.ids = ids
        self.refusedLines = refusedLines
    }

    /// Whether the refused line `line` (with id `id`) already has its error record.
    public func hasRefused(line: Int, id: String) -> Bool {
        refusedLines.map { $0.contains(line) } ?? ids.contains(id)
    }
}
