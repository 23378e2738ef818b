#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Measures fanout's own headroom while it runs: a 10 ms timer's lateness on the task pool the
/// run's decisions share, and the process's CPU time; posts a `ClientLoad` every second.
struct ClientSampler: Sendable {
    static let tick = Duration.milliseconds(10)
    static let every = 1.0
    /// The first figures come this soon, so a status read early has them.
    static let first = 0.25

    let post: @Sendable (ClientLoad) -> Void

    func start() -> Task<Void, Never> {
        Task { [post] in
            let clock = ContinuousClock()
            let start = clock.now
            var headroom = ClientHeadroom(cores: Self.cores)
            headroom.cpuRead(Self.cpuSeconds(), now: 0)
            var lastPost = Self.first - Self.every
            while !Task.isCancelled {
                let before = clock.now
                do { try await clock.sleep(for: Self.tick) } catch { return }
                let now = start.duration(to: clock.now).inSeconds
                headroom.timerFired(expected: Self.tick.inSeconds, elapsed: before.duration(to: clock.now).inSeconds, now: now)
                guard now - lastPost >= Self.every else { continue }
                headroom.cpuRead(Self.cpuSeconds(), now: now)
                lastPost = now
                post(headroom.load(now: now))
            }
        }
    }

    /// The machine's cores.
    static var cores: Int { max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN)))) }

    /// User and system CPU seconds this process has used.
    static func cpuSeconds() -> Double {
        var usage = rusage()
        #if canImport(Glibc)
        getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
        #else
        getrusage(RUSAGE_SELF, &usage)
        #endif
        func seconds(_ time: timeval) -> Double { Double(time.tv_sec) + Double(time.tv_usec) / 1e6 }
        return seconds(usage.ru_utime) + seconds(usage.ru_stime)
    }
}
