extension StatusDocument.Cost {
    init(_ figures: SpendFigures, projected: Double?) {
        self.init(spentUsd: figures.spent, spentBeforeUsd: figures.spentBefore, reservedUsd: figures.reserved,
                  perMinuteUsd: figures.perMinute, projectedUsd: projected, capUsd: figures.cap, alerts: figures.alerted,
                  stopped: figures.stop?.rawValue, priced: figures.isPriced)
    }

    var figures: SpendFigures {
        var figures = SpendFigures()
        figures.spent = spentUsd
        figures.spentBefore = spentBeforeUsd
        figures.reserved = reservedUsd
        figures.perMinute = perMinuteUsd
        figures.cap = capUsd
        figures.alerted = alerts
        figures.stop = stopped.flatMap(SpendStop.init)
        figures.isPriced = priced
        return figures
    }

    /// The sum of shards' costs: spend, rates and caps add; alerts are those every shard passed.
    static func sum(_ costs: [StatusDocument.Cost]) -> StatusDocument.Cost? {
        guard let first = costs.first else { return nil }
        return costs.dropFirst().reduce(first) { total, cost in
            var total = total
            total.spentUsd += cost.spentUsd
            total.spentBeforeUsd += cost.spentBeforeUsd
            total.reservedUsd += cost.reservedUsd
            total.perMinuteUsd += cost.perMinuteUsd
            total.projectedUsd = total.projectedUsd.flatMap { mine in cost.projectedUsd.map { mine + $0 } }
            total.capUsd = total.capUsd.flatMap { mine in cost.capUsd.map { mine + $0 } }
            total.alerts = total.alerts.filter(cost.alerts.contains)
            total.stopped = total.stopped == nil || cost.stopped == nil ? nil : total.stopped
            total.priced = total.priced || cost.priced
            return total
        }
    }
}

extension StatsSnapshot {
    /// The spend at completion: what is spent plus the records left at this run's cost per
    /// finished record; nil until the total is known or before a record here was priced.
    public func projectedCost(total: Int?) -> Double? {
        let spend = control.spend
        let finishedHere = succeeded + failed - badLines
        guard let total, spend.isPriced, finishedHere > 0 else { return nil }
        let left = max(0, total - resumed - done)
        return spend.spent + spend.spentThisRun / Double(finishedHere) * Double(left)
    }
}
