import Engine

/// The batch routes' batches on the dashboard: one summary line under the figures (open batches,
/// those ended in the last minute, the deadline), and a table of one route's batches (id, status,
/// done/total, age, the provider's expiry) where the selected endpoint's chart would be.
public enum BatchPanel {
    /// `Batches  2 open: in_progress 1,200/5,000, validating 0/5,000 · 3 ended in the last minute · deadline in …`
    /// (nil: no batch route has a batch and no deadline is set).
    static func summary(_ snapshot: StatsSnapshot) -> ScreenLine? {
        let all = snapshot.endpoints.flatMap(\.control.batches)
        let deadline = snapshot.control.deadline
        guard !all.isEmpty || deadline != nil else { return nil }
        let open = all.filter { !$0.hasEnded }
        var line = ScreenLine(" Batches      ", .bold)
        var text = "\(open.count) open"
        if !open.isEmpty {
            text += ": " + open.prefix(3).map { "\($0.status) \(Format.count($0.completed + $0.failed))/\(Format.count($0.total))" }
                .joined(separator: ", ") + (open.count > 3 ? ", …" : "")
        }
        let ended = all.count - open.count
        if ended > 0 { text += " · \(ended) ended in the last minute" }
        line.append(text)
        if let deadline { line.append(" · " + deadlineText(deadline), deadline.batchesCancelled ? .warning : .normal) }
        return line
    }

    /// The table of `endpoint`'s batches in `lines` rows: a title, then open batches before ended ones.
    static func table(_ endpoint: EndpointSnapshot, now: Double, width: Int, lines: Int) -> [ScreenLine] {
        var title = ScreenLine("Batches", .bold)
        title.append(" · \(endpoint.name)  \(Format.count(endpoint.control.inFlight)) in batches")
        let batches = endpoint.control.batches
        let ordered = batches.filter { !$0.hasEnded } + batches.filter(\.hasEnded)
        guard !ordered.isEmpty else { return [title, ScreenLine("  none open yet: records wait to fill a batch", .dim)] }
        let room = max(0, lines - 1)
        var rows = ordered.prefix(room).map { line($0, now: now, width: width) }
        if ordered.count > room, room > 0 { rows[room - 1] = ScreenLine("  … \(ordered.count - room + 1) more", .dim) }
        return [title] + rows
    }

    /// `  batch_abc  in_progress  1,200/5,000  4m  exp 23h 56m` (the id cut to what `width` leaves).
    static func line(_ batch: BatchView, now: Double, width: Int) -> ScreenLine {
        let done = batch.completed + batch.failed
        // The expiry only where it fits; the id takes what the figures leave.
        let showsExpiry = width >= 58
        let idWidth = max(8, min(28, width - (showsExpiry ? 45 : 33)))
        var line = ScreenLine("  " + Format.pad(String(batch.id.prefix(idWidth)), idWidth) + " ")
        let style: Style = ["failed", "expired", "cancelled", "canceling", "cancelling"].contains(batch.status) ? .warning
            : ["completed", "ended"].contains(batch.status) ? .good : .normal
        line.append(Format.pad(batch.status, 11), style)
        line.append(" " + Format.pad("\(Format.count(done))/\(Format.count(batch.total))", 11, right: true))
        if let created = batch.createdAt, now > 0 { line.append(" " + Format.pad(Format.duration(max(0, now - created)), 5, right: true), .dim) }
        if showsExpiry, let expires = batch.expiresAt, now > 0, !batch.hasEnded {
            line.append("  exp " + Format.duration(max(0, expires - now)), .dim)
        }
        return line
    }

    /// `deadline in 1h 20m · batches end in ≈ 40m · real-time needs 12m · saved $3.20 vs all real-time`.
    public static func deadlineText(_ deadline: DeadlineFigures) -> String {
        var parts = [deadline.secondsLeft >= 0 ? "deadline in \(Format.duration(deadline.secondsLeft))" : "deadline passed"]
        parts.append(deadline.projectedBatchEnd.map { "batches end in ≈ \(Format.duration(max(0, $0)))" } ?? "batch end not known yet")
        if let needs = deadline.realtimeNeeds { parts.append("real-time needs \(Format.duration(needs))") }
        if deadline.batchesCancelled { parts.append("batches cancelled for the deadline") }
        parts.append("saved \(Money.text(deadline.savedUSD)) vs all real-time")
        return parts.joined(separator: " · ")
    }
}
