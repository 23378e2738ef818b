import RESP
import Synchronization

/// Talks to the fleet store for the run loop: the heartbeat every second, a lease when the core
/// asks, settings the operator gave with `scope: fleet`; and, when the store is gone, says so at
/// once and connects again with backoff. The only place the fleet store's calls wait.
final class FleetWorker<C: Clock>: Sendable where C.Duration == Duration {
    private let store: any FleetStore
    private let inbox: RunnerInbox
    private let clock: C
    private let wallClock: @Sendable () -> Double
    private let shardID: String
    private let info: String
    /// The real-time endpoints the heartbeat asks about: index, name, configured requests per second.
    private let endpoints: [(index: Int, name: String, configured: Double)]
    /// `--fleet_max_cost` (nil: none).
    private let cap: Double?

    private struct State {
        var connected = true
        /// The leases the core asks for, by bucket (the newest ask of each).
        var wanted: [FleetBucket: LeaseWant] = [:]
        /// What the core saw of endpoints, for the fleet (one waiting per endpoint at most).
        var lessons: [Int: FleetLesson] = [:]
        /// Dollars of the fleet's cap the next send needs (nil: none asked).
        var budgetWanted: Double?
        /// Spend before this run and every lease of the fleet's cap so far: this shard's part of `committed`.
        var ownBudget = 0.0
        var pendingWrites: [FleetSettings.Field] = []
        /// The settings this shard holds, written back to a store that lost them.
        var held: [String: String] = [:]
        var tasks: [Task<Void, Never>] = []
    }

    private let state: Mutex<State>
    private let wakeLeases: AsyncStream<Void>.Continuation
    private let leaseWakes: AsyncStream<Void>

    /// Seconds of silence after which the store forgets a shard.
    static var forgetAfter: Double { 10 }
    static var beat: Duration { .seconds(1) }
    /// The least time between two leases: at most ~16 store calls a second for leases.
    static var leaseSpacing: Duration { .milliseconds(60) }

    init(store: any FleetStore, inbox: RunnerInbox, clock: C, wallClock: @escaping @Sendable () -> Double, shardID: String, info: String,
         endpoints: [(index: Int, name: String, configured: Double)], cap: Double? = nil, spentBefore: Double = 0) {
        self.endpoints = endpoints
        self.cap = cap
        var initial = State()
        initial.ownBudget = max(0, spentBefore)
        state = Mutex(initial)
        self.store = store
        self.inbox = inbox
        self.clock = clock
        self.wallClock = wallClock
        self.shardID = shardID
        self.info = info
        (leaseWakes, wakeLeases) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
    }

    /// Starts the heartbeat and the lease tasks (the store is connected: the run checked at start).
    func start() {
        let beats = Task { await self.beatForever() }
        let leases = Task { await self.leaseOnDemand() }
        state.withLock { $0.tasks = [beats, leases] }
    }

    /// The core has no token left in these buckets: lease more.
    func wantLeases(_ wants: [LeaseWant]) {
        state.withLock { state in
            for want in wants { state.wanted[want.bucket] = want }
        }
        wakeLeases.yield()
    }

    /// The next send needs `dollars` more of the fleet's cap than this shard holds.
    func wantBudget(_ dollars: Double) {
        state.withLock { $0.budgetWanted = dollars }
        wakeLeases.yield()
    }

    /// The core saw a 429 or an allowance at an endpoint: the fleet learns it at once.
    func learn(_ lesson: FleetLesson) {
        state.withLock { $0.lessons[lesson.endpoint] = lesson }
        wakeLeases.yield()
    }

    /// A `scope: fleet` command: written with the next heartbeat (within a second).
    func write(_ field: FleetSettings.Field) {
        state.withLock { state in
            state.pendingWrites.append(field)
            state.held[field.name] = field.value
        }
    }

    /// The run ended: the shard hands back what it leased of the fleet's cap and did not spend,
    /// and leaves the fleet (its share goes to the others at once).
    func stop(unspent: Double) async {
        let tasks = state.withLock { $0.tasks }
        for task in tasks { task.cancel() }
        wakeLeases.finish()
        await flushWrites()
        if cap != nil, unspent > 0, state.withLock({ $0.connected }) { try? await store.giveBudget(unspent, shard: shardID) }
        await store.leave(shard: shardID)
    }

    private func beatForever() async {
        var backoff = 0.5
        while !Task.isCancelled {
            if state.withLock({ $0.connected }) {
                await beatOnce()
                try? await clock.sleep(for: Self.beat)
            } else {
                do throws(RESPError) {
                    try await store.connect()
                    backoff = 0.5
                    setConnected(true)
                    await beatOnce()
                    try? await clock.sleep(for: Self.beat)
                } catch {
                    try? await clock.sleep(for: .milliseconds(Int64(backoff * 1000)))
                    backoff = min(4, backoff * 2)
                }
            }
        }
    }

    private func beatOnce() async {
        await flushWrites()
        let beat = FleetBeat(shard: shardID, info: info, forgetAfter: Self.forgetAfter, held: state.withLock { $0.held },
                             endpoints: endpoints.map { ($0.name, $0.configured) })
        do throws(RESPError) {
            let reply = try await store.heartbeat(beat)
            state.withLock { state in
                for (name, value) in reply.settings { state.held[name] = value }
            }
            if reply.isNew, cap != nil {
                // A store that does not know this shard (new, or restarted empty) learns its part of the fleet's spend.
                try await store.seedBudget(state.withLock { $0.ownBudget }, shard: shardID)
            }
            let known = Dictionary(uniqueKeysWithValues: zip(endpoints.map(\.index), reply.endpoints))
            inbox.post(.fleetBeat(shards: reply.shards, settings: reply.settings, endpoints: known))
        } catch {
            lost(error)
        }
    }

    private func flushWrites() async {
        let writes = state.withLock { state in
            defer { state.pendingWrites = [] }
            return state.connected ? state.pendingWrites : []
        }
        guard !writes.isEmpty else { return }
        do throws(RESPError) { try await store.write(writes) } catch {
            state.withLock { $0.pendingWrites.insert(contentsOf: writes, at: 0) }
            lost(error)
        }
    }

    private func leaseOnDemand() async {
        var last: C.Instant?
        for await _ in leaseWakes {
            let (wants, lessons, budget) = state.withLock { state -> ([LeaseWant], [FleetLesson], Double?) in
                defer { state.wanted = [:]; state.lessons = [:]; state.budgetWanted = nil }
                return state.connected ? (Array(state.wanted.values), Array(state.lessons.values), state.budgetWanted) : ([], [], nil)
            }
            if Task.isCancelled { return }
            do throws(RESPError) {
                if let budget, let cap { try await lease(budget, of: cap) }
                for lesson in lessons {
                    inbox.post(.fleetLearned(endpoint: lesson.endpoint, try await store.learn(lesson)))
                }
                guard !wants.isEmpty else { continue }
                if let last { try? await clock.sleep(until: last.advanced(by: Self.leaseSpacing), tolerance: nil) }
                last = clock.now
                let grants = try await store.lease(wants, horizon: FleetGate.leaseHorizon)
                if grants.allSatisfy({ $0.tokens == 0 }), let wait = grants.map(\.wait).filter({ $0 > 0 }).min() {
                    // Nothing left this instant: come back when a bucket has a token again.
                    try? await clock.sleep(for: .milliseconds(Int64(min(wait, 0.25) * 1000)))
                }
                inbox.post(.fleetGrants(grants))
            } catch {
                lost(error)
            }
        }
    }

    /// Leases at least `need` dollars of the fleet's cap, in parts of 2 % of it; the fleet is out
    /// of money for this shard when less than `need` is left.
    private func lease(_ need: Double, of cap: Double) async throws(RESPError) {
        let own = state.withLock { $0.ownBudget }
        let granted = try await store.takeBudget(cap: cap, want: max(need, cap * 0.02), own: own, shard: shardID)
        state.withLock { $0.ownBudget += granted }
        inbox.post(.fleetBudget(granted: granted, exhausted: granted + 1e-12 < need))
    }

    /// The store failed a call: the shard goes on alone at once, and the heartbeat task reconnects.
    private func lost(_ error: RESPError) {
        setConnected(false, error: error)
    }

    private func setConnected(_ connected: Bool, error: RESPError? = nil) {
        let changed = state.withLock { state in
            defer { state.connected = connected }
            return state.connected != connected
        }
        guard changed else { return }
        inbox.post(.fleetLink(connected: connected, since: wallClock(), reason: error?.description))
    }
}
