import Engine

/// Money on the dashboard: the wide Cost line, the compact screen's figure and the notice line.
extension SpendText {
    /// The wide dashboard's Cost line (nil when nothing is priced and no cap is set).
    static func line(_ snapshot: StatsSnapshot, total: Int?) -> ScreenLine? {
        let spend = snapshot.control.spend
        guard shows(spend) else { return nil }
        var line = ScreenLine(" Cost         ", .bold)
        line.append("\(Money.text(spend.spent)) spent   \(Money.text(spend.perMinute))/min")
        if snapshot.state != .done, let projected = snapshot.projectedCost(total: total) { line.append("   ≈ \(Money.text(projected)) at end") }
        if spend.spentBefore > 0 { line.append("   (\(Money.text(spend.spentBefore)) by earlier runs)", .dim) }
        if let cap = spend.cap {
            let share = spend.capShare ?? 0
            line.append("   cap \(Money.text(cap)) ")
            line.append("\(Format.fixed(share * 100, digits: 0))%", style(share: share))
            if spend.reserved > 0 { line.append("  held \(Money.text(spend.reserved))", .dim) }
        }
        if !spend.isPriced, spend.cap == nil { line.append("   (no price known)", .dim) }
        return line
    }

    /// The compact screen's money: `  $8.50 of $10.00`, `CAP REACHED` or `NO FUNDS` once sending stopped for it.
    static func compact(_ spend: SpendFigures) -> (String, Style)? {
        guard shows(spend) else { return nil }
        let text = "  \(Money.text(spend.spent))" + (spend.cap.map { " of \(Money.text($0))" } ?? "")
            + (spend.stop == .cap ? " CAP REACHED" : spend.stop == .providerFunds ? " NO FUNDS" : "")
        return (text, spend.stop != nil ? .bad : style(share: spend.capShare ?? 0))
    }

    /// A share of the cap spent: red from 95 %, yellow from 50 %.
    static func style(share: Double) -> Style {
        share >= 0.95 ? .bad : share >= 0.5 ? .warning : .normal
    }

    /// What the notice line says about money: the stop, else the highest alert passed.
    static func notice(_ snapshot: StatsSnapshot, total: Int?) -> (String, Style)? {
        let spend = snapshot.control.spend
        if let stopped = stopped(spend, left: left(snapshot, total: total)) {
            let why = spend.warnings.last.map { " — " + $0 } ?? ""
            return (" " + stopped.uppercasedFirst + why, .bad)
        }
        if let warning = spend.warnings.last { return (" " + warning.uppercasedFirst, .warning) }
        guard let level = spend.alerted.max() else { return nil }
        return (" " + alert(level, spend), level >= 0.95 ? .bad : .warning)
    }
}
