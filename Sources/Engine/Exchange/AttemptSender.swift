/// Starts one attempt on the transport and posts its parsed result back to the runner.
///
/// The completion runs on the connection's event loop: it parses the answer there, and under
/// `--stream` sends the request once more without `stream_options` when the endpoint refused them
/// (`StreamOptionsMemory`), which spends no attempt and is posted to the core as `.resent`, so
/// the stats count every request on the wire. The exchange's half of the engine: what an LLM
/// request and answer mean; the transport below it moves bytes.
struct AttemptSender: Sendable {
    let configuration: EngineConfiguration
    let transport: any Transport
    let inbox: RunnerInbox
    /// Each endpoint's request headers, built once per run.
    let headers: [[HeaderField]]
    let stream: StreamOptionsMemory?
    let keepBodies: Bool
    let wallClock: @Sendable () -> Double
    /// Seconds since the run started.
    let now: @Sendable () -> Double

    init(configuration: EngineConfiguration, transport: any Transport, inbox: RunnerInbox,
         wallClock: @escaping @Sendable () -> Double, now: @escaping @Sendable () -> Double) {
        self.configuration = configuration
        self.transport = transport
        self.inbox = inbox
        headers = configuration.endpoints.map(\.requestHeaders)
        stream = configuration.stream ? StreamOptionsMemory(endpoints: configuration.endpoints.count) : nil
        keepBodies = configuration.outputFormat.keepsResponseBody || configuration.savesFullResponse
        self.wallClock = wallClock
        self.now = now
    }

    /// Sends `dispatch`, which the core sent at `sentAt`.
    func send(_ dispatch: Dispatch, sentAt: Double, withoutOptions: Bool = false) {
        let body: JSONValue
        do {
            body = try TransportRequest.body(for: dispatch, configuration: configuration)
        } catch {
            // Nothing went on the wire: the line is refused for this endpoint's API.
            inbox.post(.attemptCompleted(dispatch, .failure(error), limits: nil, sentAt: sentAt, finishedAt: now()))
            return
        }
        let dialect = configuration.endpoints[dispatch.endpoint].dialect
        let request = TransportRequest(for: dispatch, body: body, configuration: configuration, headers: headers,
                                       stream: stream, withoutOptions: withoutOptions)
        transport.start(request) { [self] response in
            if let stream, stream.answered(response, endpoint: dispatch.endpoint, carriedOptions: request.carriesStreamOptions,
                                           isFallback: withoutOptions) {
                // Seen by the core and the stats like any send: one more request on the wire.
                inbox.post(.resent(dispatch))
                return send(dispatch, sentAt: sentAt, withoutOptions: true)
            }
            let wall = wallClock()
            let result = response.flatMap { ResponseParser.interpret($0, wallClock: wall, keepBody: keepBodies, dialect: dialect) }
            let limits = (try? response.get()).flatMap { answer in
                dialect == .anthropic ? ProviderRateLimits(anthropicHeaders: answer.headers, wallClock: wall) : ProviderRateLimits(headers: answer.headers)
            }
            inbox.post(.attemptCompleted(dispatch, result, limits: limits, sentAt: sentAt, finishedAt: now()))
        }
    }
}
