/// One run's loop: takes the inbox's events a batch at a time, hands each to the `RunCore`, and
/// executes the actions that come back.
///
/// Four steps, each its own method: `execute` (send, write, arm the timer, …), `publish` (the
/// stats, gathered so most events cost no suspension), `drain` (commands that came too late are
/// acknowledged) and `shutDown` (close the files, the last publication, the result). Requests are
/// started on the transport by the `AttemptSender`; their answers are parsed in the completion, on
/// the connection's event loop, and posted back.
struct RunLoop<C: Clock> where C.Duration == Duration {
    private let runner: Runner<C>
    private let start: C.Instant
    private let log: RunLog
    private let sender: AttemptSender
    private let askForMore: AsyncStream<Void>.Continuation
    /// Seconds since the run started.
    private let now: @Sendable () -> Double
    private var core: RunCore
    private var actions: [RunCore.Action] = []
    private var publications: [([(StatsEvent, Double)], ControlState)] = []
    private var writesFailed = false
    private var timer: Task<Void, Never>?
    /// Carries the batch routes' batches (nil: the run has none).
    private let batchWorker: BatchWorker<C>?
    /// Talks to the fleet store (nil: the run has none).
    private let fleetWorker: FleetWorker<C>?

    init(runner: Runner<C>, start: C.Instant, log: RunLog, askForMore: AsyncStream<Void>.Continuation) {
        self.runner = runner
        self.start = start
        self.log = log
        self.askForMore = askForMore
        let clock = runner.clock
        now = { start.duration(to: clock.now).inSeconds }
        let configuration = runner.configuration
        core = RunCore(configuration: configuration, seed: configuration.seed ?? UInt64.random(in: .min ... .max), levels: log.levels,
                       wallStart: runner.wallClock() - now())
        sender = AttemptSender(configuration: configuration, transport: runner.transport, inbox: runner.inbox,
                               wallClock: runner.wallClock, now: now)
        batchWorker = runner.batchAPIs.isEmpty ? nil
            : BatchWorker(apis: runner.batchAPIs, endpoints: configuration.endpoints, journal: configuration.batchJournal, inbox: runner.inbox,
                          clock: runner.clock, wallClock: runner.wallClock)
        if let store = runner.fleetStore, let settings = configuration.fleetStore {
            fleetWorker = FleetWorker(store: store, inbox: runner.inbox, clock: runner.clock, wallClock: runner.wallClock,
                                      shardID: settings.shardID, info: settings.info,
                                      endpoints: configuration.endpoints.indices.compactMap { index in
                                          let endpoint = configuration.endpoints[index]
                                          return endpoint.batch == nil ? (index, endpoint.name, endpoint.requestsPerSecond ?? 0) : nil
                                      }, cap: settings.cap, spentBefore: configuration.cost.spentBefore)
        } else {
            fleetWorker = nil
        }
        if let batchWorker {
            let known = Set(configuration.batchRecovery.compactMap(\.entry.batchID))
            for recovered in configuration.batchRecovery { batchWorker.recover(recovered.entry, endpoint: recovered.endpoint, knownBatchIDs: known) }
        }
    }

    /// The core's first actions: ask for input, and whatever it can do before any arrives.
    mutating func start() async {
        fleetWorker?.start()
        core.start(now: now(), into: &actions)
        perform()
        await publish()
    }

    /// Handles events until the core is finished (or the inbox closes); returns the events of the
    /// last batch that came after the end.
    mutating func execute() async -> [RunnerInbox.Message] {
        while !core.isFinished {
            var messages = await runner.inbox.take()
            if messages.isEmpty { return [] }
            // Taken from the end of the reversed batch, each message is moved out, not copied (an
            // answer's payload is retained and released once, not twice).
            messages.reverse()
            while let message = messages.popLast() {
                core.handle(message.event, now: now(), into: &actions)
                perform()
                // A command is answered only once its effect is in the published figures.
                if !publications.isEmpty || message.applied != nil { await publish() }
                message.applied?.resume()
                if core.isFinished { return messages.reversed() }
            }
        }
        return []
    }

    /// Nothing more will be read: acknowledges commands that arrived too late to matter.
    mutating func drain(_ leftover: [RunnerInbox.Message]) async {
        runner.inbox.close()
        var leftover = leftover
        repeat {
            for message in leftover { message.applied?.resume() }
            leftover = await runner.inbox.take()
        } while !leftover.isEmpty
    }

    /// Closes the files, publishes the last figures (marked finished) and says how the run ended.
    mutating func shutDown() async -> RunResult {
        timer?.cancel()
        batchWorker?.stop()
        await fleetWorker?.stop(unspent: core.unspentBudget)
        if let journal = runner.configuration.batchJournal, BatchJournal.unfinished(at: journal.path).isEmpty { journal.remove() }
        askForMore.finish()
        let sink = runner.sink
        writing { () throws(EngineError) in try sink.close() }
        runner.configuration.cost.journal?.sync()
        actions.append(core.finalPublication(now: now()))
        perform()
        await publish()
        let snapshot = await runner.stats.snapshot()
        let ending = core.result
        log.finished(snapshot, abandoned: ending.abandoned)
        var result = RunResult(snapshot: snapshot, fatalError: ending.fatalError, wasStopped: ending.wasStopped,
                               abandoned: ending.abandoned, written: sink.linesWritten)
        result.unreachable = ending.unreachable
        return result
    }

    /// Carries out the actions in order; publications wait for `publish()`. The batch's reservations
    /// under `--max_cost` are journalled first, in one line, before any of its sends.
    private mutating func perform() {
        if let journal = runner.configuration.cost.journal {
            let reserved: [(id: String, dollars: Double)] = actions.compactMap { action in
                guard case .send(let dispatch, _) = action, dispatch.reservedUSD > 0 else { return nil }
                return (dispatch.attempt.record.id, dispatch.reservedUSD)
            }
            if !reserved.isEmpty { writing { () throws(EngineError) in try journal.reserve(reserved) } }
        }
        var index = 0
        while index < actions.count {
            perform(actions[index])
            index += 1
        }
        actions.removeAll(keepingCapacity: true)
    }

    private mutating func perform(_ action: RunCore.Action) {
        let sink = runner.sink
        switch action {
        case .send(let dispatch, let sentAt):
            sender.send(dispatch, sentAt: sentAt)
        case .write(let line, let success):
            writing { () throws(EngineError) in try success ? sink.writeSuccess(line) : sink.writeFailure(line) }
        case .flush:
            writing { () throws(EngineError) in try sink.flush() }
            runner.configuration.cost.journal?.sync()
        case .publish(let events, let control):
            publications.append((events, control))
        case .armTimer(let deadline):
            armTimer(at: deadline)
        case .askForInput:
            askForMore.yield()
        case .log(let entry):
            log.write(entry)
        case .resizePools(let sizes):
            for size in sizes { runner.transport.setConnectionLimit(size.connections, endpoint: size.endpoint) }
        case .cancelInFlight:
            runner.transport.cancelAll()
        case .submitBatch(let submission):
            batchWorker?.submit(submission)
        case .cancelBatch(let key):
            batchWorker?.cancel(key)
        case .batchDone(let key):
            batchWorker?.finished(key)
        case .wantLeases(let wants):
            fleetWorker?.wantLeases(wants)
        case .fleetLearn(let lesson):
            fleetWorker?.learn(lesson)
        case .wantBudget(let dollars):
            fleetWorker?.wantBudget(dollars)
        case .writeFleetSetting(let field):
            fleetWorker?.write(field)
        case .finish:
            break
        }
    }

    private mutating func armTimer(at deadline: Double) {
        timer?.cancel()
        let instant = start.advanced(by: .nanoseconds(Int64(min(deadline, 1e9) * 1e9)))
        timer = Task { [inbox = runner.inbox, clock = runner.clock] in
            try? await clock.sleep(until: instant, tolerance: nil)
            if !Task.isCancelled { inbox.post(.timerFired) }
        }
    }

    /// Hands the gathered stats to the recorder.
    private mutating func publish() async {
        for (events, control) in publications { await runner.stats.record(events, control: control) }
        publications.removeAll(keepingCapacity: true)
    }

    /// Runs one file operation; a failure goes back to the core at once, and nothing is written after it.
    private mutating func writing(_ body: () throws(EngineError) -> Void) {
        guard !writesFailed else { return }
        do throws(EngineError) { try body() } catch {
            writesFailed = true
            core.handle(.writeFailed(error), now: now(), into: &actions)
        }
    }
}
