import Engine

/// The batch routes' batches under the endpoint table: one line each (id, route, status,
/// done/total, age, the provider's expiry), and the deadline's projection when one is set.
public enum BatchPanel {
    /// At most `capacity` lines (nothing when no batch route has a batch and no deadline is set).
    static func render(_ snapshot: StatsSnapshot, width: Int, capacity: Int) -> [ScreenLine] {
        var rows: [(route: String, batch: BatchView)] = []
        for endpoint in snapshot.endpoints { rows += endpoint.control.batches.map { (endpoint.name, $0) } }
        let deadline = snapshot.control.deadline
        guard capacity > 0, !rows.isEmpty || deadline != nil else { return [] }
        var lines: [ScreenLine] = []
        var title = ScreenLine("Batches", .title)
        if let deadline { title.append("   " + deadlineText(deadline), deadline.batchesCancelled ? .warning : .normal) }
        lines.append(title)
        let now = snapshot.control.wallTime
        for row in rows.prefix(max(0, capacity - 1 - (rows.count > capacity - 1 ? 1 : 0))) {
            lines.append(line(row.batch, route: row.route, now: now))
        }
        if rows.count > capacity - 1, capacity > 1 { lines.append(ScreenLine("  … \(rows.count - (capacity - 2)) more", .dim)) }
        return Array(lines.prefix(capacity))
    }

    /// `  batch_abc  gpt-batch  in_progress  1,200/5,000  4m  expires 23h`.
    static func line(_ batch: BatchView, route: String, now: Double) -> ScreenLine {
        let done = batch.completed + batch.failed
        var line = ScreenLine("  " + Format.pad(String(batch.id.prefix(28)), 28) + " " + Format.pad(String(route.prefix(16)), 16) + " ")
        let style: Style = ["failed", "expired", "cancelled", "canceling", "cancelling"].contains(batch.status) ? .warning
            : ["completed", "ended"].contains(batch.status) ? .good : .normal
        line.append(Format.pad(batch.status, 12), style)
        line.append(" " + Format.pad("\(Format.count(done))/\(Format.count(batch.total))", 15, right: true))
        if let created = batch.createdAt, now > 0 { line.append("  " + Format.pad(Format.duration(max(0, now - created)), 6, right: true), .dim) }
        if let expires = batch.expiresAt, now > 0, !["completed", "ended", "expired", "cancelled", "failed"].contains(batch.status) {
            line.append("  expires in " + Format.duration(max(0, expires - now)), .dim)
        }
        return line
    }

    /// `deadline in 1h 20m · batches end in ≈ 40m · real-time needs 12m · saved $3.20`.
    public static func deadlineText(_ deadline: DeadlineFigures) -> String {
        var parts = [deadline.secondsLeft >= 0 ? "deadline in \(Format.duration(deadline.secondsLeft))" : "deadline passed"]
        parts.append(deadline.projectedBatchEnd.map { "batches end in ≈ \(Format.duration(max(0, $0)))" } ?? "batch end not known yet")
        if let needs = deadline.realtimeNeeds { parts.append("real-time needs \(Format.duration(needs))") }
        if deadline.batchesCancelled { parts.append("batches cancelled for the deadline") }
        parts.append("saved \(Money.text(deadline.savedUSD)) vs all real-time")
        return parts.joined(separator: " · ")
    }
}
