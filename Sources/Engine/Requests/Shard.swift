/// One of `count` disjoint parts of an input, chosen by a stable hash of each record's id, so `count`
/// machines can split one file with no coordination.
public struct Shard: Sendable, Hashable, CustomStringConvertible {
    /// 0-based.
    public let index: Int
    public let count: Int

    public init?(index: Int, count: Int) {
        guard count >= 1, (0..<count).contains(index) else { return nil }
        self.index = index
        self.count = count
    }

    /// Parses `i/n`, e.g. `2/8`.
    public init?(_ text: String) {
        let parts = text.split(separator: "/")
        guard parts.count == 2, let index = Int(parts[0]), let count = Int(parts[1]) else { return nil }
        self.init(index: index, count: count)
    }

    /// Whether the record with `id` belongs to this shard (the same answer on every machine and run).
    public func contains(_ id: String) -> Bool {
        Int(IDSet.fingerprint(id) % UInt64(count)) == index
    }

    public var description: String { "\(index)/\(count)" }
}
