import HeapModule
@testable import Engine

/// Drives a `Scheduler` on a simulated clock against a simulated server, with no sockets and no
/// sleeps: every dispatch gets its answer from `server`, which says when and what.
struct SchedulerSimulation {
    /// What the simulated server does with a request sent at `now` to `endpoint`.
    typealias Server = (_ endpoint: Int, _ now: Double) -> (finishAt: Double, result: Result<ParsedAnswer, EngineError>, limits: ProviderRateLimits?)

    var scheduler: Scheduler
    var generator = SeededGenerator(seed: 7)
    var now = 0.0
    var failed: [EngineError] = []
    var succeeded = 0
    /// Attempts sent, per endpoint.
    var sent: [Int] = []
    /// 429 answers.
    var rateLimited = 0
    /// Latencies of successful answers, seconds, with the time they finished.
    var latencies: [(at: Double, latency: Double)] = []
    /// When the last record finished.
    var finishedAt: Double?
    /// What each saved record cost, all its attempts (nil: not known), in the order they finished.
    var costs: [Double?] = []

    init(scheduler: Scheduler) {
        self.scheduler = scheduler
        sent = Array(repeating: 0, count: scheduler.health.count)
    }

    static func endpoints(_ count: Int) -> [EndpointConfiguration] {
        (0..<count).map { EndpointConfiguration(name: "e\($0)", url: EndpointURL("http://h:\($0 + 1)")!) }
    }

    static func records(_ count: Int) -> [RequestRecord] {
        (1...count).map { RequestRecord(id: "\($0)", line: $0, form: .seed, input: "p", body: .object([])) }
    }

    /// Runs until every record is finished or `seconds` pass; `tick` is called before each step.
    mutating func run(for seconds: Double, tick: (inout Self) -> Void = { _ in }, server: Server) {
        var inFlight = Heap<InFlight>()
        var sequence = 0
        while now < seconds {
            tick(&self)
            switch scheduler.nextAction(now: now) {
            case .dispatch(let dispatch):
                sent[dispatch.endpoint] += 1
                let answer = server(dispatch.endpoint, now)
                sequence += 1
                inFlight.insert(InFlight(due: answer.finishAt, sequence: sequence, dispatch: dispatch, result: answer.result, limits: answer.limits))
                continue
            case .finished, .abandonInFlight:
                finishedAt = now
                return
            case .wait(let until):
                // Wake at least every 100 ms, as the runner's tick does.
                let next = min(until ?? .infinity, inFlight.min?.due ?? .infinity, now + 0.1)
                now = max(now, next)
            }
            while let first = inFlight.min, first.due <= now {
                let done = inFlight.removeMin()
                if case .failure(let error) = done.result, error.status == 429 { rateLimited += 1 }
                let charge = scheduler.charge(done.dispatch, result: done.result, now: done.due)
                let spent = done.dispatch.attempt.spent.flatMap { earlier in charge.cost.map { earlier + $0 } }
                switch scheduler.complete(done.dispatch, result: done.result, limits: done.limits, now: done.due, spent: spent, using: &generator) {
                case .failed(let error): failed.append(error)
                case .succeeded:
                    succeeded += 1
                    costs.append(spent)
                    latencies.append((done.due, done.due - done.dispatch.sentAt))
                case .willRetry: break
                }
            }
        }
    }

    /// The median latency of answers that finished in `range` (seconds).
    func medianLatency(in range: ClosedRange<Double>) -> Double {
        let values = latencies.filter { range.contains($0.at) }.map(\.latency).sorted()
        return values.isEmpty ? .nan : values[values.count / 2]
    }

    /// Answers per second that finished in `range`.
    func throughput(in range: ClosedRange<Double>) -> Double {
        Double(latencies.filter { range.contains($0.at) }.count) / (range.upperBound - range.lowerBound)
    }

    struct InFlight: Comparable {
        let due: Double
        let sequence: Int
        let dispatch: Dispatch
        let result: Result<ParsedAnswer, EngineError>
        let limits: ProviderRateLimits?

        static func < (lhs: Self, rhs: Self) -> Bool { (lhs.due, lhs.sequence) < (rhs.due, rhs.sequence) }
        static func == (lhs: Self, rhs: Self) -> Bool { lhs.sequence == rhs.sequence }
    }
}

/// A proxy that allows `limit` requests per fixed window and answers 429 after, as real gateways do.
struct WindowedProxy {
    let limit: Int
    let window: Double
    /// Send `x-ratelimit-limit-requests` and `-remaining-requests` (never a reset).
    let sendsHeaders: Bool
    var current = -1
    var count = 0

    mutating func answer(now: Double) -> (finishAt: Double, result: Result<ParsedAnswer, EngineError>, limits: ProviderRateLimits?) {
        let finish = now + 0.02
        let index = Int(finish / window)
        if index != current {
            current = index
            count = 0
        }
        count += 1
        let headers = sendsHeaders ? ProviderRateLimits(limitRequests: limit, remainingRequests: max(0, limit - count)) : nil
        if count > limit {
            return (finish, .failure(.http(status: 429, detail: "Rate limit reached for requests", code: "rate_limit_exceeded")), headers)
        }
        return (finish, .success(ParsedAnswer(response: "ok")), headers)
    }
}

/// LiteLLM's proxy with `rpm`: a rolling window of `window` seconds, 429s without Retry-After, and
/// success headers whose `remaining` never goes down (`limit` and `remaining` both say `limit`).
struct RollingWindowProxy {
    let limit: Int
    let window: Double
    var accepted: [Double] = []

    mutating func answer(now: Double) -> (finishAt: Double, result: Result<ParsedAnswer, EngineError>, limits: ProviderRateLimits?) {
        let finish = now + 0.01
        accepted.removeAll { $0 <= now - window }
        guard accepted.count < limit else {
            return (finish, .failure(.http(status: 429, detail: "Rate limit exceeded", code: "429")), nil)
        }
        accepted.append(now)
        return (finish, .success(ParsedAnswer(response: "ok")), ProviderRateLimits(limitRequests: limit, remainingRequests: limit))
    }
}

/// LiteLLM's proxy as it behaves on a slow machine: `rpm` counted per clock minute (its usage-based
/// routing keys usage by the minute, so the window's phase is the wall clock's, `phase` seconds into
/// a minute at time 0), a request counted only once it is answered (its usage is logged after the
/// call, so a burst passes the check before the count catches up), `latency` seconds an answer,
/// 429s without Retry-After or headers, and success headers whose `remaining` never goes down.
struct LaggingMinuteProxy {
    let limit: Int
    let latency: Double
    let phase: Double
    var window = 60.0
    /// Answers not yet counted: when each will be.
    var pending: [(minute: Int, at: Double)] = []
    var counted: [Int: Int] = [:]

    mutating func answer(now: Double) -> (finishAt: Double, result: Result<ParsedAnswer, EngineError>, limits: ProviderRateLimits?) {
        let finish = now + latency
        let minute = window > 0 ? Int((now + phase) / window) : 0
        for entry in pending where entry.at <= now { counted[entry.minute, default: 0] += 1 }
        pending.removeAll { $0.at <= now }
        // A refusal is quick (no model call), so it overtakes answers still on their way.
        guard counted[minute, default: 0] < limit else {
            return (now + 0.01, .failure(.http(status: 429, detail: "Deployment over user-defined ratelimit.", code: "429")), nil)
        }
        pending.append((minute, finish))
        return (finish, .success(ParsedAnswer(response: "ok")), ProviderRateLimits(limitRequests: limit, remainingRequests: limit))
    }
}

/// A model server that serves `capacity` requests at once, each for `service` seconds (±10 %), and
/// queues the rest in order.
struct QueueingServer {
    var capacity: Int
    let service: Double
    /// When each place is free next.
    var free: Heap<Double>
    var generator = SeededGenerator(seed: 11)

    init(capacity: Int, service: Double) {
        self.capacity = capacity
        self.service = service
        free = Heap(Array(repeating: 0, count: capacity))
    }

    /// Changes the number of places; requests already placed keep their finish times.
    mutating func resize(to capacity: Int) {
        let times = free.unordered.sorted()
        free = Heap(capacity < times.count ? Array(times.prefix(capacity)) : times + Array(repeating: 0, count: capacity - times.count))
        self.capacity = capacity
    }

    mutating func answer(now: Double) -> (finishAt: Double, result: Result<ParsedAnswer, EngineError>, limits: ProviderRateLimits?) {
        let start = max(now, free.removeMin())
        let finish = start + service * Double.random(in: 0.9...1.1, using: &generator)
        free.insert(finish)
        return (finish, .success(ParsedAnswer(response: "ok")), nil)
    }
}
