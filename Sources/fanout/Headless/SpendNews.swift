import Engine

/// The spend alerts, warnings about usage and the stop for money that progress lines have not said yet: each once.
struct SpendNews {
    private var alerted: Set<Double> = []
    private var stopSaid = false
    private var warningsSaid = 0

    /// Lines to print now, oldest first.
    mutating func lines(_ snapshot: StatsSnapshot, total: Int?) -> [String] {
        let spend = snapshot.control.spend
        var lines = warnings(snapshot)
        for level in spend.alerted.sorted() where !alerted.contains(level) {
            alerted.insert(level)
            lines.append(SpendText.alert(level, spend))
        }
        if !stopSaid, let stopped = SpendText.stopped(spend, left: SpendText.left(snapshot, total: total)) {
            stopSaid = true
            lines.append(stopped)
        }
        return lines
    }

    /// The warnings about usage not said yet (the end of a run says these; its summary says the rest).
    mutating func warnings(_ snapshot: StatsSnapshot) -> [String] {
        let warnings = snapshot.control.spend.warnings
        defer { warningsSaid = max(warningsSaid, warnings.count) }
        return warnings.dropFirst(warningsSaid).map { "warning: " + $0 }
    }
}
