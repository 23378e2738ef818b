extension StatusDocument {
    /// `fleet_store`: the fleet store this shard shares its limits through (null without one).
    public struct FleetStore: Codable, Sendable, Hashable {
        /// `--limits_store`, never with a password.
        public var url: String
        /// The fleet's name (`--fleet`, or the default one).
        public var fleet: String
        /// Shards with a heartbeat in the last 10 s.
        public var shards: Int
        public var connected: Bool
        /// Unix seconds when `connected` last changed.
        public var since: Double
        /// This shard's requests per second now (its fallback share while not connected).
        public var share: Double
        /// The fleet's whole rate, requests per second (0: none).
        public var fleetRate: Double

        public init(_ figures: FleetStoreFigures) {
            url = figures.url
            fleet = figures.fleet
            shards = figures.shards
            connected = figures.connected
            since = (figures.since * 1000).rounded() / 1000
            share = (figures.share * 100).rounded() / 100
            fleetRate = figures.fleetRate
        }

        /// The figures, held to what a screen can draw (read from another process, they are not trusted).
        var figures: FleetStoreFigures {
            func finite(_ value: Double, _ range: ClosedRange<Double>) -> Double { value.isFinite ? min(max(value, range.lowerBound), range.upperBound) : 0 }
            return FleetStoreFigures(url: String(TerminalText.sanitized(String(url.prefix(200)), keepsLayout: false)),
                                     fleet: String(TerminalText.sanitized(String(fleet.prefix(100)), keepsLayout: false)),
                                     shards: min(max(shards, 0), 1_000_000), connected: connected, since: finite(since, 0...1e11),
                                     share: finite(share, 0...1e9), fleetRate: finite(fleetRate, 0...1e9))
        }
    }
}
