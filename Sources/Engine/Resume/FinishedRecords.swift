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

    /// The fingerprints of the lines (by number) whose records carry one (`line_fingerprint`):
    /// records of lines named by their number, and refused lines.
    public var fingerprints: [Int: UInt64]

    public init(ids: IDSet = IDSet(), refusedLines: Set<Int>? = nil, fingerprints: [Int: UInt64] = [:]) {
        self.ids = ids
        self.refusedLines = refusedLines
        self.fingerprints = fingerprints
    }

    /// Whether the line numbered `line` is the line its record was written for: true when the
    /// record carries no fingerprint (written before fanout kept them) or the line's is unknown.
    public func matches(line: Int, _ fingerprint: UInt64) -> Bool {
        guard fingerprint != 0, let recorded = fingerprints[line] else { return true }
        return recorded == fingerprint
    }

    /// Whether the refused line `line` (with id `id`) already has its error record.
    public func hasRefused(line: Int, id: String) -> Bool {
        refusedLines.map { $0.contains(line) } ?? ids.contains(id)
    }
}
