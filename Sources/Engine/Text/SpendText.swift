
/// Money in words for the dashboard, the progress lines and the summary: spent, $/min, the
/// projection at completion, the cap and its alerts, and why sending stopped.
public enum SpendText {
    /// Whether there is anything to say: something was priced, or a cap is set.
    public static func shows(_ spend: SpendFigures) -> Bool { spend.isPriced || spend.cap != nil }

    /// Records neither finished nor skipped, once the total is known.
    public static func left(_ snapshot: StatsSnapshot, total: Int?) -> Int? {
        total.map { max(0, $0 - snapshot.resumed - snapshot.done) }
    }

    /// `cost $1.23 · $0.45/min · ≈ $12.00 at end · cap $20.00 (6%)` for the progress line.
    public static func progressPart(_ snapshot: StatsSnapshot, total: Int?) -> String? {
        let spend = snapshot.control.spend
        guard shows(spend) else { return nil }
        var parts = ["cost \(Money.text(spend.spent))", "\(Money.text(spend.perMinute))/min"]
        if snapshot.state != .done, let projected = snapshot.projectedCost(total: total) { parts.append("≈ \(Money.text(projected)) at end") }
        if let cap = spend.cap { parts.append("cap \(Money.text(cap)) (\(Format.fixed((spend.capShare ?? 0) * 100, digits: 0))%)") }
        return parts.joined(separator: " · ")
    }

    /// `spend alert: 80% of --max_cost spent ($16.00 of $20.00)`.
    public static func alert(_ level: Double, _ spend: SpendFigures) -> String {
        "spend alert: \(Int(saturating: (level * 100).rounded()))% of --max_cost spent (\(Money.text(spend.spent)) of \(Money.text(spend.cap ?? 0)))"
    }

    /// Why sending stopped for money, with what was spent and what is left.
    public static func stopped(_ spend: SpendFigures, left: Int?) -> String? {
        guard let stop = spend.stop else { return nil }
        let unsent = left.map { "; \(Format.count($0)) record\($0 == 1 ? "" : "s") left unsent (a rerun with a higher cap sends them)" }
            ?? "; the records not sent stay unsent (a rerun with a higher cap sends them)"
        switch stop {
        case .cap:
            return "spend cap reached: spent \(Money.text(spend.spent)) of the \(Money.text(spend.cap ?? 0)) cap" + unsent
        case .providerFunds:
            return "every endpoint is out of money (insufficient_quota or a spend limit): spent \(Money.text(spend.spent))"
                + (left.map { "; \(Format.count($0)) record\($0 == 1 ? "" : "s") left unsent (a rerun after topping up sends them)" } ?? "")
        }
    }

    /// The summary's line: `cost $1.23 (this run $0.98, earlier runs $0.25), cap $2.00`.
    public static func summary(_ spend: SpendFigures) -> String? {
        guard shows(spend) else { return nil }
        var text = "  cost \(Money.cents(spend.spent))"
        if spend.spentBefore > 0 { text += " (this run \(Money.text(spend.spentThisRun)), earlier runs \(Money.text(spend.spentBefore)))" }
        if let cap = spend.cap { text += ", cap \(Money.text(cap))" }
        if !spend.isPriced { text += " (no price known for the models answered: give them with --prices)" }
        return text
    }
}

extension String {
    /// The string with its first letter capitalised.
    public var uppercasedFirst: String { prefix(1).uppercased() + dropFirst() }
}
