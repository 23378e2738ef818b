extension StatusDocument {
    /// An endpoint's server as its own metrics page said at the last scrape.
    public struct Server: Codable, Sendable, Hashable {
        /// Requests the server runs (nil: it exports no such gauge).
        @Nullable public var running: Double? = nil
        /// Requests waiting at the server for a slot.
        @Nullable public var waiting: Double? = nil
        /// Its KV cache in use, 0–1 (nil: it exports no such gauge, e.g. llama.cpp).
        @Nullable public var kvCacheUsage: Double? = nil
        /// Unix seconds of the scrape.
        public var scrapedAt: Double

        init(_ load: ServerLoad) {
            scrapedAt = load.scrapedAt
            running = load.running
            waiting = load.waiting
            kvCacheUsage = load.kvCacheUsage
        }

        var load: ServerLoad { ServerLoad(running: running, waiting: waiting, kvCacheUsage: kvCacheUsage, scrapedAt: scrapedAt) }
    }

    /// fanout's own headroom: CPU of all cores, event-loop lag, and whether either passed its
    /// threshold (`ClientLoad`).
    public struct Client: Codable, Sendable, Hashable {
        public var cpuPercent: Double
        public var loopLagMsP99: Double
        public var bound: Bool

        init(_ load: ClientLoad) {
            cpuPercent = (load.cpuPercent * 10).rounded() / 10
            loopLagMsP99 = (load.loopLagP99Ms * 10).rounded() / 10
            bound = load.isBound
        }

        var load: ClientLoad { ClientLoad(cpuPercent: cpuPercent, loopLagP99Ms: loopLagMsP99) }
    }
}
