import Foundation
import Synchronization

/// What a mock endpoint has seen and decides, shared by all its connections under one lock.
final class MockState: Sendable {
    enum Decision {
        case reply(status: Int, headers: [(String, String)], body: [UInt8], after: Double)
        /// Send the head and part of the body, then close.
        case cut(body: [UInt8], after: Double)
        case hang
    }

    struct Counters {
        var behavior: MockBehavior
        var arrivals = 0
        var byPrompt: [String: Int] = [:]
        var times: [Double] = []
        var windowSecond = -1
        var windowCount = 0
        var generator = SystemRandomNumberGenerator()
    }

    /// Arrival times kept for tests (the first million).
    static let timeLimit = 1_000_000

    private let counters: Mutex<Counters>
    private let clock = ContinuousClock()
    private let start: ContinuousClock.Instant

    init(behavior: MockBehavior) {
        counters = Mutex(Counters(behavior: behavior))
        start = clock.now
    }

    var behavior: MockBehavior {
        get { counters.withLock { $0.behavior } }
        set { counters.withLock { $0.behavior = newValue } }
    }

    var arrivals: Int { counters.withLock { $0.arrivals } }
    var arrivalsByPrompt: [String: Int] { counters.withLock { $0.byPrompt } }
    var arrivalTimes: [Double] { counters.withLock { $0.times } }

    func reset() {
        counters.withLock { state in
            state.arrivals = 0
            state.byPrompt = [:]
            state.times = []
        }
    }

    /// Seconds since the server started.
    var now: Double {
        start.duration(to: clock.now).inSeconds
    }

    /// Counts one request and decides its answer.
    func arrive(prompt: String, model: String, stream: Bool, isChat: Bool) -> Decision {
        let now = self.now
        return counters.withLock { state in
            state.arrivals += 1
            let id = state.arrivals
            let seen = state.byPrompt[prompt, default: 0] + 1
            state.byPrompt[prompt] = seen
            if state.times.count < Self.timeLimit { state.times.append(now) }
            let behavior = state.behavior
            var delay = behavior.latency
            if behavior.latencySigma > 0 {
                // Box–Muller: one standard normal draw.
                let u1 = Double.random(in: Double.ulpOfOne..<1, using: &state.generator)
                let u2 = Double.random(in: 0..<1, using: &state.generator)
                let normal = (-2 * log(u1)).squareRoot() * cos(2 * Double.pi * u2)
                delay *= exp(behavior.latencySigma * normal)
            }
            if behavior.latencyJitter > 0 { delay += Double.random(in: 0...behavior.latencyJitter, using: &state.generator) }
            if behavior.hang { return .hang }
            if let status = behavior.fixedStatus {
                return .reply(status: status, headers: retryHeaders(behavior, status: status),
                              body: MockReply.error(status: status, message: "mock status \(status)", type: "mock_error"), after: delay)
            }
            var answerHeaders: [(String, String)] = [("x-request-id", "req_mock\(id)")]
            if let limit = behavior.rateLimit {
                let second = Int(now)
                if second != state.windowSecond {
                    state.windowSecond = second
                    state.windowCount = 0
                }
                state.windowCount += 1
                // What OpenAI sends with every answer: the allowance left in this window and its reset.
                let reset = max(0.001, Double(second + 1) - now)
                let allowance = [("x-ratelimit-limit-requests", String(Int(limit))),
                                 ("x-ratelimit-remaining-requests", String(max(0, Int(limit) - state.windowCount))),
                                 ("x-ratelimit-reset-requests", "\(Int((reset * 1000).rounded(.up)))ms")]
                if Double(state.windowCount) > limit {
                    return .reply(status: 429, headers: [("retry-after", String(Int(reset.rounded(.up))))] + allowance,
                                  body: MockReply.error(status: 429, message: "Rate limit reached for requests", type: "requests"), after: 0)
                }
                answerHeaders += allowance
            }
            if seen <= behavior.failFirst {
                let status = behavior.failStatus
                return .reply(status: status, headers: retryHeaders(behavior, status: status),
                              body: MockReply.error(status: status, message: "mock failure \(seen) of \(behavior.failFirst)", type: "mock_error"),
                              after: delay)
            }
            if (behavior.errorRate > 0 && Double.random(in: 0..<1, using: &state.generator) < behavior.errorRate) {
                return .reply(status: 500, headers: [],
                              body: MockReply.error(status: 500, message: "mock server error", type: "server_error"), after: delay)
            }
            if behavior.invalidJSON {
                return .reply(status: 200, headers: [("content-type", "text/html")], body: Array("<html>oops</html>".utf8), after: delay)
            }
            let answer = MockReply.answer(to: prompt)
            delay += behavior.secondsPerToken * Double(max(1, answer.utf8.count / 4))
            if stream {
                return .reply(status: 200, headers: [("content-type", "text/event-stream")],
                              body: MockReply.stream(id: id, model: model, prompt: prompt), after: delay)
            }
            var body = MockReply.completion(id: id, model: model, prompt: prompt, chat: isChat)
            if behavior.padding > 0 {
                body.removeLast()
                body += Array(#","padding":""#.utf8) + Array(repeating: UInt8(ascii: "x"), count: behavior.padding) + Array("\"}".utf8)
            }
            if behavior.resetMidBody { return .cut(body: body, after: delay) }
            return .reply(status: 200, headers: [("content-type", "application/json")] + answerHeaders, body: body, after: delay)
        }
    }

    private func retryHeaders(_ behavior: MockBehavior, status: Int) -> [(String, String)] {
        guard status == 429 || status == 503, let retryAfter = behavior.retryAfter else { return [] }
        return [("retry-after", retryAfter)]
    }
}
