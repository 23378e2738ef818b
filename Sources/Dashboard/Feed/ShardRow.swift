import Engine

/// One shard of a fleet as the Shards table shows it.
public struct ShardRow: Sendable, Hashable {
    public var address: String
    public var pid: Int32?
    public var done: Int
    public var total: Int?
    public var rate: Double
    /// `running`, `paused`, `draining`, `done (exit N)`, or `unreachable`.
    public var state: String
    /// Its own figures are on the screen (`s`).
    public var focused = false
    /// Its status held impossible figures (`StatusDocument.bounded`).
    public var suspect = false

    /// The state as shown: marked when the figures are suspect.
    public var label: String { suspect ? state + " (suspect figures)" : state }

    public init(address: String, pid: Int32?, done: Int, total: Int?, rate: Double, state: String, focused: Bool = false, suspect: Bool = false) {
        self.address = address
        self.pid = pid
        self.done = done
        self.total = total
        self.rate = rate
        self.state = state
        self.focused = focused
        self.suspect = suspect
    }
}

/// The Shards table of a fleet dashboard: address, pid, progress, rate, state.
enum ShardTable {
    static func render(_ rows: [ShardRow], width: Int, capacity: Int) -> [ScreenLine] {
        guard !rows.isEmpty, capacity > 1 else { return [] }
        let addressWidth = min(40, max(8, rows.map(\.address.count).max() ?? 8))
        let focused = rows.first(where: \.focused).map { "  (the figures above are \($0.address)'s own; s: the next, then the fleet's)" } ?? "  (s: one shard's own figures)"
        var lines = [ScreenLine(" " + Format.pad("Shard", addressWidth + 2) + Format.pad("pid", 9) + Format.pad("progress", 26)
                                + Format.pad("rate", 12) + "state", .bold)]
        lines[0].append(focused, .dim)
        let shown = rows.prefix(capacity - 1 - (rows.count > capacity - 1 ? 1 : 0))
        for row in shown {
            let progress = row.total.map { total in
                "\(Format.count(row.done)) / \(Format.count(total))" + (total > 0 ? " (\(Format.percent(Double(row.done) / Double(total))))" : "")
            } ?? "\(Format.count(row.done)) done"
            var line = ScreenLine((row.focused ? "▶" : " ") + Format.pad(String(row.address.prefix(addressWidth)), addressWidth + 2)
                                  + Format.pad(row.pid.map(String.init) ?? "–", 9) + Format.pad(progress, 26)
                                  + Format.pad("\(Format.rate(row.rate))/s", 12))
            line.append(row.label, row.state == "unreachable" || row.suspect ? .bad : row.state == "running" ? .good : .banner)
            lines.append(line)
        }
        if shown.count < rows.count { lines.append(ScreenLine("   … \(rows.count - shown.count) more shards", .dim)) }
        return lines.map { $0.clipped(to: width) }
    }
}
