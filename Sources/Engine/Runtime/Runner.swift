/// Carries out the run core's actions: the only place that spawns tasks, sleeps and reads the clock.
///
/// One loop takes events from the inbox a batch at a time (results, commands, input, the timer, the
/// 100 ms heartbeat), hands each to the `RunCore` and executes what comes back: requests started on
/// the transport by the `AttemptSender` (their answers are parsed in the completion, on the
/// connection's event loop, and posted back), lines written, figures published, timers armed. Generic over `Clock`, so a test
/// can drive it with a manual clock; a run uses `ContinuousClock`.
struct Runner<C: Clock> where C.Duration == Duration {
    static var readBatch: Int { 512 }
    static var heartbeat: Duration { .milliseconds(100) }

    let configuration: EngineConfiguration
    let source: any RequestSource
    let transport: any Transport
    let sink: any ResultSink
    let stats: StatsRecorder
    let inbox: RunnerInbox
    let clock: C
    /// Unix time in seconds, for Retry-After given as an HTTP date.
    let wallClock: @Sendable () -> Double

    func run() async -> RunResult {
        let start = clock.now
        await stats.markStart()
        let now: @Sendable () -> Double = { [clock] in start.duration(to: clock.now).inSeconds }
        let log = RunLog(configuration.logger)
        log.started(configuration)
        var core = RunCore(configuration: configuration, seed: configuration.seed ?? UInt64.random(in: .min ... .max), levels: log.levels,
                           wallStart: wallClock() - now())
        let sender = AttemptSender(configuration: configuration, transport: transport, inbox: inbox, wallClock: wallClock, now: now)
        let (demand, askForMore) = AsyncStream.makeStream(of: Void.self)
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
        let heartbeat = Task { [inbox, clock] in
            while !Task.isCancelled {
                try? await clock.sleep(for: Self.heartbeat)
                inbox.post(.tick)
            }
        }
        var timer: Task<Void, Never>?
        var actions: [RunCore.Action] = []

        var publications: [([(StatsEvent, Double)], ControlState)] = []
        var writesFailed = false

        /// Runs one file operation; a failure goes back to the core at once, and nothing is written after it.
        func writing(_ body: () throws(EngineError) -> Void) {
            guard !writesFailed else { return }
            do throws(EngineError) { try body() } catch {
                writesFailed = true
                core.handle(.writeFailed(error), now: now(), into: &actions)
            }
        }

        /// Executes `actions` in order; the publications wait for `publish()`, so most events cost
        /// no suspension.
        func execute() {
            var index = 0
            while index < actions.count {
                let action = actions[index]
                index += 1
                switch action {
                case .send(let dispatch, let sentAt):
                    sender.send(dispatch, sentAt: sentAt)
                case .write(let line, let success):
                    writing { () throws(EngineError) in try success ? sink.writeSuccess(line) : sink.writeFailure(line) }
                case .flush:
                    writing { () throws(EngineError) in try sink.flush() }
                case .publish(let events, let control):
                    publications.append((events, control))
                case .armTimer(let deadline):
                    timer?.cancel()
                    let instant = start.advanced(by: .nanoseconds(Int64(min(deadline, 1e9) * 1e9)))
                    timer = Task { [inbox, clock] in
                        try? await clock.sleep(until: instant, tolerance: nil)
                        if !Task.isCancelled { inbox.post(.timer) }
                    }
                case .askForInput:
                    askForMore.yield()
                case .log(let entry):
                    log.write(entry)
                case .resizePools(let sizes):
                    for size in sizes { transport.setConnectionLimit(size.connections, endpoint: size.endpoint) }
                case .cancelInFlight:
                    transport.cancelAll()
                case .finish:
                    break
                }
            }
            actions.removeAll(keepingCapacity: true)
        }

        func publish() async {
            for (events, control) in publications { await stats.record(events, control: control) }
            publications.removeAll(keepingCapacity: true)
        }

        core.start(now: now(), into: &actions)
        execute()
        await publish()
        var leftover: [RunnerEvent] = []
        loop: while !core.isFinished {
            let events = await inbox.take()
            if events.isEmpty { break }
            for (position, event) in events.enumerated() {
                switch event {
                case .command(let command, let applied):
                    core.handle(.command(command), now: now(), into: &actions)
                    execute()
                    await publish()
                    applied?.resume()
                case .items(let items): core.handle(.itemsRead(items), now: now(), into: &actions)
                case .sourceFailed(let error): core.handle(.sourceFailed(error), now: now(), into: &actions)
                case .completed(let dispatch, let result, let limits, let sentAt, let finishedAt):
                    core.handle(.attemptCompleted(dispatch, result, limits: limits, sentAt: sentAt, finishedAt: finishedAt),
                                now: now(), into: &actions)
                case .timer: core.handle(.timerFired, now: now(), into: &actions)
                case .tick: core.handle(.tick, now: now(), into: &actions)
                }
                execute()
                if !publications.isEmpty { await publish() }
                if core.isFinished {
                    leftover = Array(events[(position + 1)...])
                    break loop
                }
            }
        }
        // Nothing more will be read: acknowledge commands that arrived too late to matter.
        inbox.close()
        repeat {
            for case .command(_, let applied) in leftover { applied?.resume() }
            leftover = await inbox.take()
        } while !leftover.isEmpty
        timer?.cancel()
        heartbeat.cancel()
        askForMore.finish()
        reader.cancel()
        writing { () throws(EngineError) in try sink.close() }
        actions.append(core.finalPublication(now: now()))
        execute()
        await publish()
        let snapshot = await stats.snapshot()
        let ending = core.result
        log.finished(snapshot, abandoned: ending.abandoned)
        var result = RunResult(snapshot: snapshot, fatalError: ending.fatalError, wasStopped: ending.wasStopped,
                               abandoned: ending.abandoned, written: sink.linesWritten)
        result.unreachable = ending.unreachable
        return result
    }
}
