/// How a mock endpoint answers: its latency, its failures, its limits.
public struct MockBehavior: Sendable, Hashable {
    /// Seconds before each answer.
    public var latency: Double = 0
    /// Extra uniform random latency, 0…jitter seconds.
    public var latencyJitter: Double = 0
    /// Spread of a log-normal latency: each answer waits `latency · e^(σ·N(0,1))` (0 = no spread),
    /// the long-tailed shape real model servers show.
    public var latencySigma: Double = 0
    /// Seconds per completion token (1 / tokens per second), 0 for none: a streamed answer sends
    /// its first token after the latency and one more every `secondsPerToken`; an unstreamed one
    /// answers after the latency plus every token's time.
    public var secondsPerToken: Double = 0
    /// Answer 400 to requests that carry `stream_options`, as servers that predate it do.
    public var refusesStreamOptions = false
    /// Answers of exactly this many tokens (nil: an answer derived from the prompt); a request's
    /// `max_tokens` cuts either.
    public var outputTokens: Int?
    /// Share of requests answered 500 at random (0…1).
    public var errorRate: Double = 0
    /// After this many requests every one is answered 429 `insufficient_quota`, as OpenAI answers
    /// an account out of credit (nil: never).
    public var quotaAfter: Int?
    /// Speak Anthropic's Messages API (`/v1/messages`, strictly) instead of OpenAI's.
    public var anthropic = false
    /// The first `failFirst` requests for each prompt are answered `failStatus`, later ones succeed.
    public var failFirst = 0
    /// The status of those first failures (500 unless set; 429 and 503 carry `retryAfter`).
    public var failStatus = 500
    /// Answer every request with this status and an OpenAI error body.
    public var fixedStatus: Int?
    /// `Retry-After` sent with 429 and 503 answers.
    public var retryAfter: String?
    /// Requests per window above which the server answers 429 (fixed windows of `rateLimitWindow`).
    public var rateLimit: Double?
    /// The rate limit's window, seconds (fixed windows from the server's start).
    public var rateLimitWindow = 1.0
    /// 429s carry `Retry-After` (the window's end); real proxies often leave it out.
    public var rateLimitRetryAfter = true
    /// Answers carry `x-ratelimit-reset-requests`; without it only the limit and what is left are sent.
    public var rateLimitResetHeader = true
    /// Answers and 429s carry no `x-ratelimit-*` header at all: only the status says the limit was passed.
    public var rateLimitHeaders = true
    /// Requests served at once at most; later ones queue (nil: no limit). An answer holds its place
    /// for its whole latency, so throughput saturates at `capacity / latency`.
    public var capacity: Int?
    /// Never answer (the connection stays open): for timeout tests.
    public var hang = false
    /// Answer 200 with a body that is not JSON.
    public var invalidJSON = false
    /// Send the head and half the body, then close the connection.
    public var resetMidBody = false
    /// Bytes of padding added to each answer (inside the JSON), for size limits.
    public var padding = 0
    /// Close the connection after every answer while its headers say keep-alive, as llama.cpp's
    /// server does after a streamed answer: the next request on it meets a closed socket.
    public var closesAfterAnswer = false
    /// Serve `GET /metrics` in vLLM's names (`vllm:num_requests_running`, `…_waiting`,
    /// `vllm:kv_cache_usage_perc`: places in use of `capacity`), as a self-hosted server does.
    public var servesMetrics = false
    /// Serve OpenAI's Files and Batches API and Anthropic's Message Batches, each batch request
    /// taking this many seconds (nil: not served).
    public var batchSecondsPerRequest: Double?
    /// Seconds after which an unfinished batch expires (nil: 24 h, as the providers' window).
    public var batchExpireAfter: Double?

    public init(latency: Double = 0, latencyJitter: Double = 0, latencySigma: Double = 0, secondsPerToken: Double = 0, errorRate: Double = 0,
                failFirst: Int = 0, failStatus: Int = 500, fixedStatus: Int? = nil, retryAfter: String? = nil, rateLimit: Double? = nil,
                hang: Bool = false, invalidJSON: Bool = false, resetMidBody: Bool = false, padding: Int = 0, capacity: Int? = nil) {
        self.capacity = capacity
        self.latency = latency
        self.latencyJitter = latencyJitter
        self.latencySigma = latencySigma
        self.secondsPerToken = secondsPerToken
        self.errorRate = errorRate
        self.failFirst = failFirst
        self.failStatus = failStatus
        self.fixedStatus = fixedStatus
        self.retryAfter = retryAfter
        self.rateLimit = rateLimit
        self.hang = hang
        self.invalidJSON = invalidJSON
        self.resetMidBody = resetMidBody
        self.padding = padding
    }
}
