extension StatusDocument {
    /// The status of a fleet: its shards' documents added up as if they were one run.
    ///
    /// Counts, rates and histograms are summed; percentiles come from the summed histograms, never
    /// from averaging the shards' percentiles (ITL and TPOT, which travel as percentiles only, are
    /// kept when one shard has them and dropped otherwise). Endpoints are merged by name. The state
    /// is `running` while any shard runs, `paused` when every live one is paused, `done` when all are.
    /// The rate limit is the sum when every shard has one, else none (a shard without a limit makes
    /// the fleet's unlimited).
    public static func fleet(_ shards: [StatusDocument]) -> StatusDocument? {
        guard var fleet = shards.first else { return nil }
        guard shards.count > 1 else { return fleet }
        let rest = shards.dropFirst()
        fleet.pid = 0
        fleet.host = ""
        fleet.exitCode = nil
        fleet.state = fleetState(shards.map(\.state))
        fleet.startedAt = shards.map(\.startedAt).min() ?? fleet.startedAt
        fleet.elapsedS = shards.map { $0.startedAt + $0.elapsedS }.max().map { $0 - fleet.startedAt } ?? fleet.elapsedS
        fleet.run.control = nil
        fleet.run.shard = "\(shards.count) shards"
        fleet.run.inputBytes = nil
        fleet.run.inputBytesRead = shards.map(\.run.inputBytesRead).saturatingSum()
        fleet.records = rest.reduce(fleet.records) { $0.adding($1.records) }
        let limits = shards.map(\.rateLimit)
        fleet.rateLimit = limits.contains(nil) ? nil : limits.reduce(0) { $0 + ($1 ?? 0) }
        let tokenLimits = shards.map(\.tokensPerMinute)
        fleet.tokensPerMinute = tokenLimits.contains(nil) ? nil : tokenLimits.reduce(0) { $0 + ($1 ?? 0) }
        fleet.maxInFlight = shards.map(\.maxInFlight).saturatingSum()
        fleet.maxInFlightAuto = shards.contains { $0.maxInFlightAuto }
        fleet.sentPerS = shards.reduce(0) { $0 + $1.sentPerS }
        fleet.finishedPerS = shards.reduce(0) { $0 + $1.finishedPerS }
        fleet.sentHistory = Self.sum(shards.map(\.sentHistory))
        var kinds: [String: Int] = [:]
        for shard in shards { for entry in shard.errorsByKind { kinds[entry.kind] = (kinds[entry.kind] ?? 0).saturatingAdding(entry.count) } }
        // In the order a single run lists them (`ErrorKind`), kinds a newer shard knows after them.
        let order = ErrorKind.allCases.map(\.code)
        fleet.errorsByKind = kinds.sorted { (order.firstIndex(of: $0.key) ?? .max, $0.key) < (order.firstIndex(of: $1.key) ?? .max, $1.key) }
            .map { KindCount(kind: $0.key, count: $0.value) }
        fleet.recentErrors = Self.recentErrors(shards, since: fleet.startedAt)
        fleet.firstBadLine = shards.lazy.compactMap(\.firstBadLine).first
        fleet.tokens = Tokens.fleet(shards.map(\.tokens))
        fleet.endpoints = Endpoint.fleet(shards.map { ($0.endpoints, $0.sentPerS) })
        fleet.cost = Cost.sum(shards.compactMap(\.cost))
        // The shard nearest its limits speaks for the fleet's clients.
        fleet.client = shards.compactMap(\.client).max { ($0.bound ? 1 : 0, $0.loopLagMsP99) < ($1.bound ? 1 : 0, $1.loopLagMsP99) }
        // The fleet store as the fleet sees it: lost if any shard lost it; the share is every shard's.
        let stores = shards.compactMap(\.fleetStore)
        if var store = stores.first(where: { !$0.connected }) ?? stores.first {
            store.share = stores.reduce(0) { $0 + $1.share }
            store.shards = stores.map(\.shards).max() ?? store.shards
            fleet.fleetStore = store
        }
        return fleet
    }

    /// This status as a fleet counts a shard it cannot reach: its records as they were, nothing in
    /// flight, nothing sent per second.
    public var unreachable: StatusDocument {
        var document = self
        document.records.inFlight = 0
        document.sentPerS = 0
        document.finishedPerS = 0
        document.sentHistory = []
        document.tokens.outputPerS = 0
        document.tokens.goodPerS = 0
        document.cost?.perMinuteUsd = 0
        document.state = state == "done" ? "done" : "paused"
        for index in document.endpoints.indices {
            document.endpoints[index].inFlight = 0
            document.endpoints[index].actualShare = 0
        }
        return document
    }

    static func fleetState(_ states: [String]) -> String {
        if states.contains("running") { return "running" }
        if states.contains("draining") { return "draining" }
        if states.contains("paused") { return "paused" }
        return "done"
    }

    /// Per-second series summed, aligned at their ends (the newest second last).
    static func sum(_ series: [[Double]]) -> [Double] {
        let length = series.map(\.count).max() ?? 0
        var total = Array(repeating: 0.0, count: length)
        for values in series {
            for (offset, value) in values.reversed().enumerated() { total[length - 1 - offset] += value }
        }
        return total
    }

    /// The newest errors of all shards, their times on the fleet's clock, each marked with its shard's pid.
    static func recentErrors(_ shards: [StatusDocument], since start: Double) -> [RecentError] {
        let all = shards.flatMap { shard in
            shard.recentErrors.map { error in
                var error = error
                error.atS = shard.startedAt + error.atS - start
                error.source = "\(error.source) (pid \(shard.pid))"
                return error
            }
        }
        let limit = shards.map(\.recentErrors.count).max() ?? 0
        return Array(all.sorted { $0.atS < $1.atS }.suffix(limit))
    }
}

extension StatusDocument.Records {
    func adding(_ other: Self) -> Self {
        Self(read: read.saturatingAdding(other.read), saved: saved.saturatingAdding(other.saved), failed: failed.saturatingAdding(other.failed),
             inFlight: inFlight.saturatingAdding(other.inFlight), total: total.flatMap { mine in other.total.map { mine.saturatingAdding($0) } },
             badLines: badLines.saturatingAdding(other.badLines), resumed: resumed.saturatingAdding(other.resumed),
             sent: sent.saturatingAdding(other.sent), retries: retries.saturatingAdding(other.retries),
             resends: resends.saturatingAdding(other.resends), pendingRetries: pendingRetries.saturatingAdding(other.pendingRetries))
    }
}
