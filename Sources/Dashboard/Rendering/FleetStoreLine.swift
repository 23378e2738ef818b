import Engine

/// The fleet line under the figures when the run shares its limits through a fleet store: the
/// store, the shards alive, the fleet's rate and this shard's share; alone and why, when it is lost.
public enum FleetStoreLine {
    /// The line (nil without a fleet store).
    static func line(_ snapshot: StatsSnapshot) -> ScreenLine? {
        guard let store = snapshot.control.fleetStore else { return nil }
        var line = ScreenLine(" Fleet        ", .bold)
        line.append("\(store.fleet) · \(store.url) · \(store.shards) shard\(store.shards == 1 ? "" : "s") alive")
        let total = store.fleetRate > 0 ? "\(rate(store.fleetRate))/s" : "no limit"
        if store.connected {
            line.append(" · fleet rate \(total) · this shard \(rate(store.share))/s")
        } else {
            line.append(" · store lost: alone at \(rate(store.share))/s (\(total) ÷ \(max(1, store.shards)))", .warning)
        }
        return line
    }

    /// A rate as the fleet line says it: whole when whole (`30/s`, `9.8/s`).
    public static func rate(_ value: Double) -> String {
        let text = Format.rate(value)
        return text.hasSuffix(".0") ? String(text.dropLast(2)) : text
    }

    /// The progress lines' part: `fleet 3 shards, 30/s, this shard 9.8/s`, or `fleet store lost: alone at 10/s (30/s ÷ 3)`.
    public static func progressPart(_ snapshot: StatsSnapshot) -> String? {
        guard let store = snapshot.control.fleetStore else { return nil }
        let total = store.fleetRate > 0 ? "\(rate(store.fleetRate))/s" : "no limit"
        guard store.connected else { return "fleet store lost: alone at \(rate(store.share))/s (\(total) ÷ \(max(1, store.shards)))" }
        return "fleet \(store.shards) shard\(store.shards == 1 ? "" : "s"), \(total), this shard \(rate(store.share))/s"
    }
}
