import HeapModule

/// Failed records waiting for their next try, soonest first (ties in the order they failed).
struct RetryQueue: Sendable {
    private struct Entry: Comparable, Sendable {
        let due: Double
        let sequence: UInt64
        let attempt: Attempt

        static func < (lhs: Entry, rhs: Entry) -> Bool { (lhs.due, lhs.sequence) < (rhs.due, rhs.sequence) }
        static func == (lhs: Entry, rhs: Entry) -> Bool { lhs.sequence == rhs.sequence }
    }

    private var heap = Heap<Entry>()
    private var sequence: UInt64 = 0

    var count: Int { heap.count }
    var isEmpty: Bool { heap.isEmpty }
    /// When the soonest retry is due (nil: none waits).
    var nextDue: Double? { heap.min?.due }
    /// The soonest retry, without taking it.
    var next: Attempt? { heap.min?.attempt }

    /// Whether a retry is due at `now`.
    func hasDue(now: Double) -> Bool { nextDue.map { $0 <= now } ?? false }

    mutating func insert(_ attempt: Attempt, due: Double) {
        sequence += 1
        heap.insert(Entry(due: due, sequence: sequence, attempt: attempt))
    }

    /// Takes the soonest retry.
    mutating func popNext() -> Attempt? { heap.popMin()?.attempt }
}
