import DequeModule
import Engine
import Foundation
import Synchronization

/// What a mock endpoint has seen and decides, shared by all its connections under one lock.
final class MockState: Sendable {
    enum Decision {
        /// `served`: the answer takes one of the `capacity` places for its whole latency.
        case reply(status: Int, headers: [(String, String)], body: [UInt8], after: Double, served: Bool = false)
        /// Stream the answer: the first token after `after` seconds, then one every `every` seconds;
        /// it holds one of the `capacity` places until its last token.
        case stream(headers: [(String, String)], StreamAnswer, after: Double, every: Double, requestID: String)
        /// Send the head and part of the body, then close.
        case cut(body: [UInt8], after: Double)
        case hang
    }

    struct Counters {
        var behavior: MockBehavior
        var arrivals = 0
        var byPrompt: [String: Int] = [:]
        var times: [Double] = []
        var window = -1
        var windowCount = 0
        var generator = SystemRandomNumberGenerator()
        /// Requests arrived and not yet answered, and the most at once since the last reset.
        var pending = 0
        var peakPending = 0
        /// Answers holding a place now, and those waiting for one (oldest first).
        var serving = 0
        var waiting: Deque<@Sendable () -> Void> = []
        /// Streamed answers' first-token times, for `GET /mock/trace`.
        var trace: [TraceEntry] = []

        /// Takes places for waiting answers while there are places free; returns them to start.
        mutating func admitWaiting() -> [@Sendable () -> Void] {
            var ready: [@Sendable () -> Void] = []
            while !waiting.isEmpty, serving < behavior.capacity ?? .max {
                serving += 1
                ready.append(waiting.removeFirst())
            }
            return ready
        }
    }

    /// Arrival times kept for tests (the first million).
    static let timeLimit = 1_000_000

    /// When a streamed answer's request arrived and its first token left, seconds since the start.
    struct TraceEntry: Sendable {
        var requestID: String
        var received: Double
        var firstToken: Double
    }

    private let counters: Mutex<Counters>
    private let clock = ContinuousClock()
    private let start: ContinuousClock.Instant

    init(behavior: MockBehavior) {
        counters = Mutex(Counters(behavior: behavior))
        start = clock.now
        batches = behavior.batchSecondsPerRequest.map { seconds in
            MockBatches(secondsPerRequest: seconds, expireAfter: behavior.batchExpireAfter, clock: { Date().timeIntervalSince1970 })
        }
    }

    /// The batch APIs (`--batch`), nil when not served.
    let batches: MockBatches?

    var behavior: MockBehavior {
        get { counters.withLock { $0.behavior } }
        set {
            let ready = counters.withLock { state in
                state.behavior = newValue
                return state.admitWaiting()
            }
            ready.forEach { $0() }
        }
    }

    /// Requests arrived and not yet answered.
    var pending: Int { counters.withLock { $0.pending } }
    /// The most requests pending at once since the last reset.
    var peakPending: Int { counters.withLock { $0.peakPending } }

    /// Starts `serve` when a place is free (now, or when an answer before it finishes).
    func serve(_ serve: @escaping @Sendable () -> Void) {
        let ready = counters.withLock { state in
            state.waiting.append(serve)
            return state.admitWaiting()
        }
        ready.forEach { $0() }
    }

    /// An answer that held a place is done: the next waiting one starts.
    func served() {
        let ready = counters.withLock { state in
            state.serving -= 1
            return state.admitWaiting()
        }
        ready.forEach { $0() }
    }

    /// What `GET /metrics` answers (`servesMetrics`): vLLM's gauges of the places in use and the queue.
    var metricsPage: String {
        counters.withLock { state in
            let usage = state.behavior.capacity.map { Double(state.serving) / Double(max(1, $0)) } ?? 0
            return """
            # HELP vllm:num_requests_running Number of requests in model execution batches.
            # TYPE vllm:num_requests_running gauge
            vllm:num_requests_running{model_name="mock"} \(Double(state.serving))
            # HELP vllm:num_requests_waiting Number of requests waiting to be processed.
            # TYPE vllm:num_requests_waiting gauge
            vllm:num_requests_waiting{model_name="mock"} \(Double(state.waiting.count))
            # HELP vllm:kv_cache_usage_perc KV-cache usage. 1 means 100 percent usage.
            # TYPE vllm:kv_cache_usage_perc gauge
            vllm:kv_cache_usage_perc{model_name="mock"} \(usage)

            """
        }
    }

    /// What `GET /mock/stats` answers.
    var statistics: JSONValue {
        counters.withLock { state in
            .object([JSONField("arrivals", .number(state.arrivals)), JSONField("pending", .number(state.pending)),
                     JSONField("peak_pending", .number(state.peakPending)), JSONField("serving", .number(state.serving)),
                     JSONField("waiting", .number(state.waiting.count)),
                     JSONField("capacity", state.behavior.capacity.map { .number($0) } ?? .null)])
        }
    }

    /// An answer was written (or its connection is gone).
    func replied() {
        counters.withLock { $0.pending -= 1 }
    }

    /// Notes when a streamed answer's first token was written.
    func traceFirstToken(requestID: String, received: Double) {
        let now = self.now
        counters.withLock { state in
            if state.trace.count < Self.timeLimit { state.trace.append(TraceEntry(requestID: requestID, received: received, firstToken: now)) }
        }
    }

    /// `GET /mock/trace`: one JSON line per streamed answer, `{"request_id", "received_ms", "first_token_ms", "ttft_ms"}`.
    var traceLines: [UInt8] {
        counters.withLock { state in
            var out: [UInt8] = []
            for entry in state.trace {
                JSONValue.object([JSONField("request_id", .string(entry.requestID)),
                                  JSONField("received_ms", .number((entry.received * 1e6).rounded() / 1000)),
                                  JSONField("first_token_ms", .number((entry.firstToken * 1e6).rounded() / 1000)),
                                  JSONField("ttft_ms", .number(((entry.firstToken - entry.received) * 1e6).rounded() / 1000))]).encode(into: &out)
                out.append(0x0A)
            }
            return out
        }
    }

    var arrivals: Int { counters.withLock { $0.arrivals } }
    var arrivalsByPrompt: [String: Int] { counters.withLock { $0.byPrompt } }
    var arrivalTimes: [Double] { counters.withLock { $0.times } }

    func reset() {
        counters.withLock { state in
            state.arrivals = 0
            state.byPrompt = [:]
            state.times = []
            state.trace = []
            state.peakPending = state.pending
        }
    }

    /// Seconds since the server started.
    var now: Double {
        start.duration(to: clock.now).inSeconds
    }

    /// Counts one request and decides its answer.
    func arrive(_ request: MockRequest) -> Decision {
        let prompt = request.prompt
        let now = self.now
        return counters.withLock { state in
            state.arrivals += 1
            state.pending += 1
            state.peakPending = max(state.peakPending, state.pending)
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
            if behavior.refusesStreamOptions, request.hasStreamOptions {
                return .reply(status: 400, headers: [], body: MockReply.error(
                    status: 400, message: "Unrecognized request argument supplied: stream_options", type: "invalid_request_error"), after: 0)
            }
            if let quota = behavior.quotaAfter, id > quota {
                return .reply(status: 429, headers: [], body: MockReply.error(
                    status: 429, message: "You exceeded your current quota, please check your plan and billing details.",
                    type: "insufficient_quota", code: "insufficient_quota"), after: delay)
            }
            if let status = behavior.fixedStatus {
                return .reply(status: status, headers: retryHeaders(behavior, status: status),
                              body: MockReply.error(status: status, message: "mock status \(status)", type: "mock_error"), after: delay)
            }
            var answerHeaders: [(String, String)] = [(request.anthropic ? "request-id" : "x-request-id", "req_mock\(id)")]
            if let limit = behavior.rateLimit {
                if let refusal = countInWindow(&state, limit: limit, now: now, headers: &answerHeaders) { return refusal }
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
            let (pieces, isCut) = MockReply.tokens(to: prompt, outputTokens: behavior.outputTokens, maxTokens: request.maxTokens)
            if request.stream {
                // Encoded by the connection, outside this lock.
                let stream = StreamAnswer(id: id, model: request.model, prompt: prompt, pieces: pieces, isCut: isCut,
                                          chat: request.isChat, includeUsage: request.includeUsage, anthropic: request.anthropic)
                return .stream(headers: [("content-type", "text/event-stream"), ("cache-control", "no-cache")] + answerHeaders,
                               stream, after: delay, every: behavior.secondsPerToken, requestID: "req_mock\(id)")
            }
            delay += behavior.secondsPerToken * Double(pieces.count)
            var body = request.anthropic
                ? AnthropicMockReply.message(id: id, model: request.model, prompt: prompt, pieces: pieces, isCut: isCut)
                : MockReply.completion(id: id, model: request.model, prompt: prompt, pieces: pieces, isCut: isCut, chat: request.isChat)
            if behavior.padding > 0 {
                body.removeLast()
                body += Array(#","padding":""#.utf8) + Array(repeating: UInt8(ascii: "x"), count: behavior.padding) + Array("\"}".utf8)
            }
            if behavior.resetMidBody { return .cut(body: body, after: delay) }
            return .reply(status: 200, headers: [("content-type", "application/json")] + answerHeaders, body: body, after: delay, served: true)
        }
    }

    /// Counts a request in the current fixed window; returns the 429 when the window's allowance is
    /// spent, else adds what OpenAI sends with every answer: the limit, what is left, and (unless
    /// switched off) the reset.
    private func countInWindow(_ state: inout Counters, limit: Double, now: Double, headers: inout [(String, String)]) -> Decision? {
        let behavior = state.behavior
        let length = max(0.001, behavior.rateLimitWindow)
        let window = Int(now / length)
        if window != state.window {
            state.window = window
            state.windowCount = 0
        }
        state.windowCount += 1
        let reset = max(0.001, Double(window + 1) * length - now)
        var allowance = [("x-ratelimit-limit-requests", String(Int(limit))),
                         ("x-ratelimit-remaining-requests", String(max(0, Int(limit) - state.windowCount)))]
        if !behavior.rateLimitHeaders { allowance = [] }
        if behavior.rateLimitHeaders, behavior.rateLimitResetHeader { allowance.append(("x-ratelimit-reset-requests", "\(Int((reset * 1000).rounded(.up)))ms")) }
        guard Double(state.windowCount) > limit else {
            headers += allowance
            return nil
        }
        let retryAfter = behavior.rateLimitRetryAfter ? [("retry-after", String(Int(reset.rounded(.up))))] : []
        return .reply(status: 429, headers: retryAfter + allowance,
                      body: MockReply.error(status: 429, message: "Rate limit reached for requests", type: "requests", code: "rate_limit_exceeded"),
                      after: 0)
    }

    private func retryHeaders(_ behavior: MockBehavior, status: Int) -> [(String, String)] {
        guard status == 429 || status == 503, let retryAfter = behavior.retryAfter else { return [] }
        return [("retry-after", retryAfter)]
    }
}

/// What a streamed answer will say, encoded by its connection (`MockReply.stream`).
struct StreamAnswer: Sendable {
    var id: Int
    var model: String
    var prompt: String
    var pieces: [String]
    var isCut: Bool
    var chat: Bool
    var includeUsage: Bool
    var anthropic = false

    func encoded() -> MockReply.Stream {
        if anthropic { return AnthropicMockReply.stream(id: id, model: model, prompt: prompt, pieces: pieces, isCut: isCut) }
        return MockReply.stream(id: id, model: model, prompt: prompt, pieces: pieces, isCut: isCut, chat: chat, includeUsage: includeUsage)
    }
}
