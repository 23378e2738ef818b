/// Carries out the scheduler's decisions: the only place that spawns tasks, sleeps and reads the clock.
///
/// One loop owns the scheduler, the sink and a batch of stats events. It asks the scheduler for
/// actions until told to wait, arms one timer for the wait, then handles the next event (a result,
/// a command, input, the timer, the 100 ms heartbeat). Requests are started on the transport and
/// post their results back as events; response parsing happens in the completion (for the NIO
/// transport, on the connection's event loop), so both cores share it.
struct Runner {
    /// Items buffered ahead of sending before the reader is asked for more.
    static let readAhead = 2048
    static let readBatch = 512
    static let heartbeat: Duration = .milliseconds(100)

    let configuration: EngineConfiguration
    let source: any RequestSource
    let transport: any Transport
    let sink: any ResultSink
    let stats: StatsRecorder
    let inbox: RunnerInbox

    func run() async -> RunResult {
        let clock = ContinuousClock()
        let start = clock.now
        await stats.markStart(start)
        let now: @Sendable () -> Double = { start.duration(to: clock.now).inSeconds }

        var scheduler = Scheduler(endpoints: configuration.endpoints, rate: configuration.rate,
                                  maxInFlight: configuration.maxInFlight, retryPolicy: configuration.retryPolicy,
                                  ejectAfter: configuration.ejectAfter, drainTimeout: configuration.drainTimeout,
                                  tokensPerMinute: configuration.tokensPerMinute, unreachableAfter: configuration.unreachableAfter)
        var generator = SeededGenerator(seed: configuration.seed ?? UInt64.random(in: .min ... .max))
        let redactor = Redactor(endpoints: configuration.endpoints)
        let names = configuration.endpoints.map(\.name)
        let headers = configuration.endpoints.map(\.requestHeaders)
        let log = RunLog(configuration.logger)
        log.started(configuration)
        let lines = OutputLines(format: configuration.outputFormat, names: names)
        let keepBodies = configuration.outputFormat.keepsResponseBody
        var batch: [(StatsEvent, Double)] = []
        var fatalError: EngineError?
        var filter = RecordFilter(finished: configuration.finished, shard: configuration.shard)
        var abandoned = 0

        let (demand, askForMore) = AsyncStream.makeStream(of: Void.self)
        var demandOutstanding = false
        let reader = Task { [source, inbox] in
            for await _ in demand {
                do {
                    let items = try await source.next(max: Self.readBatch)
                    inbox.post(.items(items))
                    if items.isEmpty { return }
                } catch {
                    inbox.post(.sourceFailed(error as? EngineError ?? .inputUnreadable(path: "input", "\(error)")))
                    return
                }
            }
        }
        let heartbeat = Task { [inbox] in
            while !Task.isCancelled {
                try? await Task.sleep(for: Self.heartbeat)
                inbox.post(.tick)
            }
        }
        var timer: (deadline: Double, task: Task<Void, Never>)?

        func publish(finished: Bool = false) async {
            var control = scheduler.control(now: now())
            control.isFinished = finished
            let events = batch
            batch.removeAll(keepingCapacity: true)
            await stats.record(events, control: control)
        }

        func write(_ body: () throws(EngineError) -> Void) {
            guard fatalError == nil else { return }
            do throws(EngineError) {
                try body()
            } catch {
                if fatalError == nil { log.fatal(error) }
                fatalError = error
                scheduler.stop(now: now())
            }
        }

        do {
            // Events arrive in batches (whatever was posted while the loop was busy); the loop
            // handles them one at a time, asking the scheduler for actions after each.
            var pending: [RunnerEvent] = []
            var position = 0
            loop: while true {
                if !scheduler.sourceFinished, !scheduler.isStopping, !demandOutstanding,
                   scheduler.bufferedCount < Self.readAhead {
                    demandOutstanding = true
                    askForMore.yield()
                }
                act: while true {
                    switch scheduler.nextAction(now: now()) {
                    case .dispatch(let dispatch):
                        let sentAt = now()
                        batch.append((.sent(endpoint: dispatch.endpoint, isRetry: dispatch.attempt.number > 1), sentAt))
                        let request = Self.request(for: dispatch, configuration: configuration, headers: headers)
                        transport.start(request) { [inbox] response in
                            let result = response.flatMap {
                                ResponseParser.interpret($0, wallClock: WallClock.now(), keepBody: keepBodies)
                            }
                            let limits = (try? response.get()).flatMap { ProviderRateLimits(headers: $0.headers) }
                            let finishedAt = now()
                            inbox.post(.completed(dispatch, result, limits: limits, sentAt: sentAt, finishedAt: finishedAt))
                        }
                    case .wait(let until):
                        if let until, timer == nil || until < timer!.deadline {
                            timer?.task.cancel()
                            let instant = start.advanced(by: .nanoseconds(Int64(until * 1e9)))
                            timer = (until, Task { [inbox] in
                                try? await Task.sleep(until: instant, clock: .continuous)
                                if !Task.isCancelled { inbox.post(.timer) }
                            })
                        }
                        break act
                    case .finished:
                        break loop
                    case .abandonInFlight:
                        abandoned = scheduler.inFlight
                        transport.cancelAll()
                        break loop
                    }
                }
                if position == pending.count {
                    pending = await inbox.take()
                    position = 0
                    if pending.isEmpty { break loop }
                }
                let event = pending[position]
                position += 1
                switch event {
                case .command(let command, let applied):
                    switch command {
                    case .pause: scheduler.pause()
                    case .resume: scheduler.resume()
                    case .stop: scheduler.stop(now: now())
                    case .setRate(let rate): scheduler.setRate(rate, now: now())
                    case .setWeight(let endpoint, let weight): scheduler.setWeight(weight, endpoint: endpoint)
                    }
                    log.command(command)
                    await publish()
                    applied?.resume()
                case .items(let items):
                    demandOutstanding = false
                    if items.isEmpty { scheduler.sourceDidFinish() }
                    let moment = now()
                    batch.append((.read(count: items.count), moment))
                    var records: [RequestRecord] = []
                    records.reserveCapacity(items.count)
                    var resumed = 0
                    for item in items {
                        switch filter.admit(item) {
                        case .send(let record): records.append(record)
                        case .alreadyDone: resumed += 1
                        case .otherShard: break
                        case .reject(let bad):
                            log.badLine(bad)
                            write { () throws(EngineError) in try sink.writeFailure(lines.badLine(bad)) }
                            batch.append((.badLine(line: bad.line, reason: bad.reason), moment))
                        }
                    }
                    if resumed > 0 { batch.append((.resumed(count: resumed), moment)) }
                    scheduler.enqueue(records)
                case .sourceFailed(let error):
                    demandOutstanding = false
                    if fatalError == nil { log.fatal(error) }
                    fatalError = fatalError ?? error
                    scheduler.sourceDidFinish()
                    scheduler.stop(now: now())
                case .completed(let dispatch, let result, let limits, let sentAt, let finishedAt):
                    let latency = finishedAt - sentAt
                    let record = dispatch.attempt.record
                    let attempts = dispatch.attempt.number
                    let endpoint = dispatch.endpoint
                    let moment = now()
                    let before = log.wantsEndpointChanges ? scheduler.status(of: endpoint, now: moment) : nil
                    let outcome = scheduler.complete(dispatch, result: result, limits: limits, now: moment, using: &generator)
                    if let before { log.endpointChanged(names[endpoint], from: before, to: scheduler.status(of: endpoint, now: moment)) }
                    switch outcome {
                    case .succeeded(let answer):
                        log.answered(record, endpoint: names[endpoint], attempts: attempts, latency: latency)
                        write { () throws(EngineError) in
                            try sink.writeSuccess(lines.success(record, answer: answer, endpoint: endpoint, attempts: attempts, latency: latency))
                        }
                        batch.append((.succeeded(endpoint: endpoint, latency: latency,
                                                 promptTokens: answer.usage?["prompt_tokens"]?.intValue ?? 0,
                                                 completionTokens: answer.usage?["completion_tokens"]?.intValue ?? 0), finishedAt))
                    case .failed(let error):
                        let message = redactor.message(for: error)
                        log.failed(record, endpoint: names[endpoint], attempts: attempts, message: message)
                        write { () throws(EngineError) in
                            try sink.writeFailure(lines.failure(record, error: error, message: message, endpoint: endpoint, attempts: attempts))
                        }
                        batch.append((.failed(endpoint: endpoint, kind: error.kind, latency: latency,
                                              message: "\(message) (attempt \(attempts)/\(configuration.retryPolicy.maxAttempts) → errors)",
                                              final: true), finishedAt))
                    case .willRetry(let error, let at):
                        let wait = max(0, at - finishedAt)
                        let reason = redactor.message(for: error)
                        log.retrying(record, endpoint: names[endpoint], attempt: attempts, message: reason, after: wait)
                        let maxAttempts = configuration.retryPolicy.maxAttempts
                        let message = attempts < maxAttempts
                            ? "\(reason) (attempt \(attempts)/\(maxAttempts), retry in \(Self.seconds(wait)))"
                            : "\(reason) (attempt \(attempts); no endpoint answers, so it waits unsent, next try in \(Self.seconds(wait)))"
                        batch.append((.failed(endpoint: endpoint, kind: error.kind, latency: latency, message: message, final: false), finishedAt))
                    }
                case .timer:
                    timer = nil
                case .tick:
                    write { () throws(EngineError) in try sink.flush() }
                    await publish()
                }
            }
            // Nothing more will be read: acknowledge commands that arrived too late to matter.
            inbox.close()
            var leftover = Array(pending[position...])
            repeat {
                for case .command(_, let applied) in leftover { applied?.resume() }
                leftover = await inbox.take()
            } while !leftover.isEmpty
        }
        timer?.task.cancel()
        heartbeat.cancel()
        askForMore.finish()
        reader.cancel()
        write { () throws(EngineError) in try sink.close() }
        await publish(finished: true)
        let snapshot = await stats.snapshot()
        log.finished(snapshot, abandoned: abandoned)
        let unfinished = !(scheduler.sourceFinished && scheduler.bufferedCount == 0 && scheduler.pendingRetryCount == 0)
        var result = RunResult(snapshot: snapshot, fatalError: fatalError, wasStopped: unfinished || abandoned > 0, abandoned: abandoned,
                               written: sink.linesWritten)
        if scheduler.stoppedUnreachable {
            result.unreachable = names.indices.map { index in
                (names[index], scheduler.health[index].lastFailure.map { redactor.message(for: $0) } ?? "no answer")
            }
        }
        return result
    }

    static func seconds(_ value: Double) -> String {
        value < 10 ? "\((value * 10).rounded() / 10)s" : "\(Int(value.rounded()))s"
    }
}
