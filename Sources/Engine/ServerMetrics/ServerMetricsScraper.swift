import Synchronization

/// Reads each endpoint's server metrics once a second and posts the loads to the run.
///
/// At start every page is tried once with `probeTimeout`; of the pages fanout guessed for an
/// endpoint (`ORIGIN/metrics`, then `ORIGIN/slots`) the first that answers with what it knows in
/// time is kept and the others are dropped without a word; a named page is kept (its failed scrapes
/// post no load). Pages are read concurrently, each within `timeout`, so
/// a slow server delays only its own figures. Generic over `Clock`, like the `Runner`.
struct ServerMetricsScraper<C: Clock> where C.Duration == Duration {
    static var period: Duration { .seconds(1) }
    static var probeTimeout: Double { 0.5 }
    static var timeout: Double { 0.9 }

    let source: any ServerMetricsSource
    let clock: C
    /// Unix seconds, for `scraped_at`.
    let wallClock: @Sendable () -> Double
    /// Called with each endpoint's load (nil: its page failed or said nothing known).
    let post: @Sendable (_ endpoint: Int, _ load: ServerLoad?) -> Void

    func run() async {
        let targets = source.targets
        guard !targets.isEmpty else { return }
        var live: [Int] = []
        var served = Set<Int>()
        // Named pages are kept; of an endpoint's guesses, the first that answers (`/metrics` before `/slots`).
        for (index, load) in await scrape(Array(targets.indices), timeout: Self.probeTimeout) {
            let target = targets[index]
            guard !target.isGuess || (load != nil && !served.contains(target.endpoint)) else { continue }
            live.append(index)
            served.insert(target.endpoint)
            if let load { post(target.endpoint, load) }
        }
        while !live.isEmpty && !Task.isCancelled {
            do { try await clock.sleep(for: Self.period) } catch { return }
            for (index, load) in await scrape(live, timeout: Self.timeout) { post(targets[index].endpoint, load) }
        }
    }

    /// Reads the pages numbered `indices` at once; each one's load, in order.
    private func scrape(_ indices: [Int], timeout: Double) async -> [(Int, ServerLoad?)] {
        await withTaskGroup(of: (Int, ServerLoad?).self) { group in
            for index in indices {
                group.addTask { [self] in
                    guard let page = await fetch(index, within: timeout) else { return (index, nil) }
                    return (index, source.targets[index].read(status: page.status, body: page.body, scrapedAt: wallClock()))
                }
            }
            var results: [(Int, ServerLoad?)] = []
            for await result in group { results.append(result) }
            return results.sorted { $0.0 < $1.0 }
        }
    }

    /// One page, or nil when it is not in within `timeout` seconds, connecting included (the
    /// fetch itself ends by its own deadlines later).
    private func fetch(_ index: Int, within timeout: Double) async -> (status: Int, body: [UInt8])? {
        let once = Once()
        return await withCheckedContinuation { (continuation: CheckedContinuation<(status: Int, body: [UInt8])?, Never>) in
            Task { [source] in
                let page = await source.fetch(index, timeout: timeout)
                if once.claim() { continuation.resume(returning: page) }
            }
            Task { [clock] in
                try? await clock.sleep(for: .milliseconds(Int(timeout * 1000)))
                if once.claim() { continuation.resume(returning: nil) }
            }
        }
    }
}

/// The first of two racers to claim it wins.
private final class Once: Sendable {
    private let claimed = Atomic(false)
    func claim() -> Bool { !claimed.exchange(true, ordering: .acquiringAndReleasing) }
}
