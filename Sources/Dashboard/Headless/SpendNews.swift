import Engine

/// The spend alerts and the stop for money that progress lines have not said yet: each once.
struct SpendNews {
    private var alerted: Set<Double> = []
    private var stopSaid = false

    /// Lines to print now, oldest first.
    mutating func lines(_ snapshot: StatsSnapshot, total: Int?) -> [String] {
        let spend = snapshot.control.spend
        var lines: [String] = []
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
}
