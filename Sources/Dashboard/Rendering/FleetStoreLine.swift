import Engine

/// The fleet line under the figures when the run shares its limits through a fleet store: the
/// store, the shards alive, the fleet's rate and this shard's share; alone and why, when it is lost.
enum FleetStoreLine {
    /// The line (nil without a fleet store).
    static func line(_ snapshot: StatsSnapshot) -> ScreenLine? {
        guard let store = snapshot.control.fleetStore else { return nil }
        var line = ScreenLine(" Fleet        ", .bold)
        line.append("\(store.fleet) · \(store.url) · \(store.shards) shard\(store.shards == 1 ? "" : "s") alive")
        let rate = store.fleetRate > 0 ? "\(Format.rate(store.fleetRate))/s" : "no limit"
        if store.connected {
            line.append(" · fleet rate \(rate) · this shard \(Format.rate(store.share))/s")
        } else {
            line.append(" · store lost: alone at \(Format.rate(store.share))/s (\(rate) ÷ \(max(1, store.shards)))", .warning)
        }
        return line
    }
}
