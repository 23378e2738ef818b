import Dashboard
import Engine
import Synchronization

/// The dashboard's figures from several runs at once: the shards of a fleet, added up.
///
/// Each target is resolved to every address it names (again every 5 s, so restarted pods are found);
/// each address is read by an `AttachedFeed`, which reconnects every second. Addresses that reach
/// the same run (same host, pid and start) are one shard. A shard with no event for 2 s is shown as
/// unreachable: its last counts stay in the totals, its load and rates do not.
final class FleetFeed: DashboardFeed {
    typealias Reading = AttachedFeed.Reading

    static let unreachableAfter: Duration = .seconds(2)
    static let resolveEvery: Duration = .seconds(5)

    let targets: [ControlAddress]
    let token: BearerToken?
    private let feeds = Mutex<[ControlAddress: AttachedFeed]>([:])
    private let resolver = Mutex<Task<Void, Never>?>(nil)
    private let focused = Mutex<Int?>(nil)

    init(targets: [ControlAddress], token: BearerToken?) {
        self.targets = targets
        self.token = token
    }

    func start() {
        let task = Task { [self] in
            while !Task.isCancelled {
                for target in targets {
                    for address in await HostResolver.addresses(of: target) {
                        let feed = feeds.withLock { feeds -> AttachedFeed? in
                            guard feeds[address] == nil else { return nil }
                            let feed = AttachedFeed(client: ControlClient(address: address, token: token))
                            feeds[address] = feed
                            return feed
                        }
                        feed?.start()
                    }
                }
                try? await Task.sleep(for: Self.resolveEvery)
            }
        }
        resolver.withLock { $0 = task }
    }

    func stop() {
        resolver.withLock { $0?.cancel() }
        feeds.withLock { $0.values.forEach { $0.stop() } }
    }

    /// The shards now: one reading per run (the freshest of the addresses that reach it), and the
    /// addresses that reach none.
    func shards(at now: ContinuousClock.Instant = .now) -> [(address: ControlAddress, reading: Reading, live: Bool)] {
        let all = feeds.withLock { $0 }.mapValues(\.reading)
        var byRun: [String: (address: ControlAddress, reading: Reading)] = [:]
        var unreached: [(address: ControlAddress, reading: Reading, live: Bool)] = []
        for (address, reading) in all {
            guard let document = reading.document else {
                unreached.append((address, reading, false))
                continue
            }
            let key = "\(document.host)|\(document.pid)|\(document.startedAt)"
            if let known = byRun[key], (known.reading.lastSeen ?? now) >= (reading.lastSeen ?? now) { continue }
            byRun[key] = (address, reading)
        }
        let runs = byRun.values.map { entry in
            (entry.address, entry.reading, entry.reading.ended || entry.reading.lastSeen.map { now - $0 < Self.unreachableAfter } ?? false)
        }
        return (runs + unreached).sorted { $0.address.description < $1.address.description }
    }

    func focus(on index: Int?) {
        focused.withLock { $0 = index }
    }

    func frame() async -> DashboardFrame {
        let shards = self.shards()
        let focus = focused.withLock { $0 }
        // An unreachable shard's records are still done: its last counts stay in the totals, its
        // rates and load do not.
        let live = shards.compactMap { shard in shard.reading.document.map { shard.live ? $0 : $0.unreachable } }
        let rows = shards.enumerated().map { index, shard in
            let document = shard.reading.document
            let state = !shard.live ? "unreachable"
                : document?.state == "done" ? "done" + (document?.exitCode.map { " (exit \($0))" } ?? "") : document?.state ?? "–"
            return ShardRow(address: shard.address.description, pid: document?.pid,
                            done: document.map { $0.records.saved + $0.records.failed + $0.records.resumed } ?? 0,
                            total: document?.records.total, rate: shard.live ? document?.sentPerS ?? 0 : 0, state: state,
                            focused: index == focus, suspect: shard.reading.suspect)
        }
        if let focus, shards.indices.contains(focus), let own = shards[focus].reading.document {
            return DashboardFrame(snapshot: own.snapshot, totalLines: own.records.total, exitCode: own.exitCode,
                                  link: shards[focus].live ? nil : "\(shards[focus].address) does not answer: its last figures", shards: rows)
        }
        guard let fleet = StatusDocument.fleet(live) else {
            return DashboardFrame(snapshot: StatsSnapshot(), link: shards.isEmpty ? "resolving \(targets.map(\.description).joined(separator: ", "))…"
                                    : "no shard answers; retrying", shards: rows)
        }
        return DashboardFrame(snapshot: fleet.snapshot, totalLines: fleet.records.total, shards: rows)
    }

    func perform(_ command: EngineCommand) async -> String? {
        let live = shards().filter(\.live).compactMap { shard in shard.reading.document.map { (shard.address, $0) } }
        guard let fleet = StatusDocument.fleet(live.map(\.1)) else { return "no shard answers" }
        let plan = FleetCommands.split(FleetCommands.scoped(command, shards: live.map(\.1)), fleet: fleet, shards: live.map(\.1))
        var problems: [String] = []
        await withTaskGroup(of: String?.self) { group in
            for (index, (address, _)) in live.enumerated() {
                guard let body = plan[index] else { continue }
                let client = ControlClient(address: address, token: token)
                group.addTask {
                    do {
                        _ = try await client.send(body)
                        return nil
                    } catch {
                        return "\(address): \(error)"
                    }
                }
            }
            for await problem in group { if let problem { problems.append(problem) } }
        }
        return problems.isEmpty ? nil : "not done on every shard: " + problems.joined(separator: "; ")
    }
}
