/// The run's decisions as a state machine: events in, actions out, `now` passed in.
///
/// It owns the scheduler, the record filter, the redactor and the lines to write, and never
/// touches a socket, a file, a task or a clock: the `Runner` feeds it events (input read, attempts
/// completed, commands, timers, the 100 ms tick) and carries out the actions that come back, the
/// shape of AsyncHTTPClient's `HTTPConnectionPool.StateMachine`. Tests drive it with chosen times.
struct RunCore {
    enum Event: Sendable {
        /// Items from the source; an empty array marks the end of the input.
        case itemsRead([SourceItem])
        case sourceFailed(EngineError)
        /// A dispatched attempt came back; times are seconds since the run started.
        case attemptCompleted(Dispatch, Result<ParsedAnswer, EngineError>, limits: ProviderRateLimits?, sentAt: Double, finishedAt: Double)
        case command(EngineCommand, from: CommandSource = .library)
        /// The exchange sent a dispatched attempt again on its own (`StatsEvent.resent`).
        case resent(Dispatch)
        /// The timer asked for with `armTimer` fired.
        case timerFired
        /// The periodic heartbeat: flush the files, publish the figures.
        case tick
        /// Writing a line (or flushing, or closing) failed: the run stops.
        case writeFailed(EngineError)
        /// The transport saw the endpoint's server close its connections after every answer
        /// (`ConnectionReuse`): each of its requests goes on a fresh connection from now on.
        case closesConnections(endpoint: Int)
        /// The endpoint's server metrics page was read (nil: it failed or said nothing known).
        case serverLoad(endpoint: Int, ServerLoad?)
        /// fanout's own CPU use and event-loop lag were measured.
        case clientLoad(ClientLoad)
        /// The provider said how a batch stands.
        case batchStatus(key: String, BatchObject)
        /// A batch ended; its results, each by custom_id.
        case batchEnded(key: String, BatchObject, [BatchResult])
        /// A batch could not be created (`validation`: the provider refused it).
        case batchFailed(key: String, EngineError, validation: Bool)
        /// A journalled batch never reached the provider: its records are free.
        case batchOrphaned(key: String)
        /// The fleet store leased tokens (of the fleet's rate, endpoints' requests and tokens).
        case fleetGrants([FleetGrant])
        /// A heartbeat came back: the shards alive, the fleet's settings, its endpoints by index.
        case fleetBeat(shards: Int, settings: [String: String], endpoints: [Int: FleetEndpointState])
        /// The fleet learned what this shard saw of an endpoint: its rate in force and rest now.
        case fleetLearned(endpoint: Int, FleetEndpointState)
        /// The fleet store was lost or came back, at Unix seconds `since`.
        case fleetLink(connected: Bool, since: Double, reason: String?)
        /// The fleet leased dollars of its cap (`exhausted`: less than the next send needs was left).
        case fleetBudget(granted: Double, exhausted: Bool)
    }

    enum Action: Sendable {
        /// Start this attempt on the transport (it was sent at `at`).
        case send(Dispatch, at: Double)
        /// Append a line to the save file (`success`) or the errors file.
        case write(JSONValue, success: Bool)
        case flush
        /// Hand these stats events and this control state to the stats recorder.
        case publish([(StatsEvent, Double)], ControlState)
        /// Wake with `timerFired` at this time (replaces any earlier timer).
        case armTimer(at: Double)
        /// Read the next batch of input.
        case askForInput
        case log(RunLog.Entry)
        /// Endpoints' in-flight caps changed: size their connection pools (endpoint, connections).
        case resizePools([(endpoint: Int, connections: Int)])
        /// Requests in flight are abandoned (the drain timeout passed): cancel them.
        case cancelInFlight
        /// Journal, upload and create this batch, and watch it to its end.
        case submitBatch(BatchBook.Submission)
        /// Cancel the batch with this key.
        case cancelBatch(String)
        /// The batch's results are written (and flushed): mark it done in the journal.
        case batchDone(String)
        /// Lease tokens from the fleet store's buckets.
        case wantLeases([LeaseWant])
        /// Tell the fleet what this shard saw of an endpoint (a 429, an allowance).
        case fleetLearn(FleetLesson)
        /// Lease at least these dollars of the fleet's cap (`--fleet_max_cost`).
        case wantBudget(Double)
        /// Write a `scope: fleet` command's setting to the fleet store.
        case writeFleetSetting(FleetSettings.Field)
        /// Nothing more will happen: close the files and report.
        case finish
    }

    /// Items buffered ahead of sending before the reader is asked for more.
    static let readAhead = 2048

    var scheduler: Scheduler
    var filter: RecordFilter
    var generator: SeededGenerator
    let redactor: Redactor
    let lines: OutputLines
    let names: [String]
    let maxAttempts: Int
    let serviceLevels: ServiceLevels?
    let levels: RunLog.Levels
    var stats: [(StatsEvent, Double)] = []
    private var timerDeadline: Double?
    /// The pool sizes last asked for, per endpoint.
    private var poolSizes: [Int] = []
    var demandOutstanding = false
    private(set) var fatalError: EngineError?
    private(set) var abandoned = 0
    private(set) var isFinished = false
    var spendStopAnnounced = false
    /// How many of `Spending.warnings` the log has said.
    var spendWarningsLogged = 0
    /// Which endpoints' APIs a record can go to.
    let routing: DialectRouting
    /// Endpoints whose servers close their connections after every answer.
    private var closingEndpoints: Set<Int> = []
    /// What each endpoint's server said of its load at the last scrape.
    private var serverLoads: [Int: ServerLoad] = [:]
    private var clientLoad: ClientLoad?
    /// The sends so far of records sent more than once and not yet final, by line (`SendTrace`).
    var sendTraces: [Int: [SendTrace]] = [:]
    /// The batch routes' batches (`BatchBook`); `hasBatchRoutes` when any endpoint is one.
    var batches: BatchBook
    let hasBatchRoutes: Bool
    /// Some real-time endpoint can take records (a run of batch routes only has none).
    var hasRealtimeRoute: Bool {
        scheduler.balancer.weights.indices.contains { batches.endpoints[$0].batch == nil && scheduler.balancer.weights[$0] > 0 }
    }
    /// The smooth weighted scores of the split between real-time (-1) and each batch route.
    var routeScores: [Int: Double] = [:]
    /// Records routed to a batch route with no room, and no real-time endpoint to take them.
    var waitingForBatch: [RequestRecord] = []
    /// Batch routes `unbatch` took out of the split.
    var unbatched: Set<Int> = []
    /// Attempts that counted for records a batch sends again, by line.
    var batchAttempts: [Int: Int] = [:]
    /// `--deadline`: when batch routes are given up for real-time ones.
    var deadline: BatchDeadline?
    /// What the real-time endpoints have shown they carry.
    var realtimeThroughput = ThroughputPeak()
    /// US dollars batch answers saved against the real-time price.
    var batchSaved = 0.0
    /// The fill time a timer was armed for.
    var batchTimer: Double?
    /// The fleet store (`--limits_store`), nil without one; its rate gate is the scheduler's.
    var fleet: FleetLink?

    /// - Parameter wallStart: Unix seconds at the run's time 0, for the lines' `started_at`.
    init(configuration: EngineConfiguration, seed: UInt64, levels: RunLog.Levels = RunLog.Levels(), wallStart: Double = 0) {
        scheduler = Scheduler(configuration: configuration)
        filter = RecordFilter(finished: configuration.finished, shard: configuration.shard)
        generator = SeededGenerator(seed: seed)
        redactor = Redactor(endpoints: configuration.endpoints)
        names = configuration.endpoints.map(\.name)
        lines = OutputLines(format: configuration.outputFormat, names: names, wallStart: wallStart, fullResponse: configuration.savesFullResponse)
        maxAttempts = configuration.retryPolicy.maxAttempts
        serviceLevels = configuration.serviceLevels
        routing = DialectRouting(configuration.endpoints.map(\.dialect))
        self.levels = levels
        batches = BatchBook(endpoints: configuration.endpoints, keyPrefix: Self.batchKeyPrefix(wallStart: wallStart, seed: seed))
        hasBatchRoutes = configuration.endpoints.contains { $0.batch != nil }
        for recovered in configuration.batchRecovery {
            batches.recover(key: recovered.entry.key, endpoint: recovered.endpoint, lines: recovered.entry.lines, now: 0)
        }
        deadline = configuration.deadline.map { BatchDeadline(deadline: $0, start: 0, endpoints: configuration.endpoints) }
        if let store = configuration.fleetStore {
            fleet = FleetLink(configuration: store, endpoints: configuration.endpoints.count, since: wallStart)
            scheduler.fleetGate = FleetGate(rate: configuration.rate)
            scheduler.shareEndpointLimits(configuration.endpoints)
            fleet?.learns = configuration.learnsLimits
        }
    }

    /// Batch keys begin with the run's start (base 36) and a bit of its seed: unique across runs.
    static func batchKeyPrefix(wallStart: Double, seed: UInt64) -> String {
        "fo" + String(Int(max(0, wallStart)), radix: 36) + String(seed & 0xFFFF, radix: 36)
    }

    /// The first actions: ask for input, and whatever the scheduler can do before any arrives.
    mutating func start(now: Double, into actions: inout [Action]) {
        pump(now: now, into: &actions)
    }

    /// Takes one event; appends what to do about it to `actions`.
    mutating func handle(_ event: Event, now: Double, into actions: inout [Action]) {
        if isFinished {
            // After the end only closing the files can still fail.
            if case .writeFailed(let error) = event { fail(error, now: now, into: &actions) }
            return
        }
        switch event {
        case .command(let command, let source):
            if case .fleetWide(let inner) = command { applyFleetWide(inner, now: now, into: &actions) } else { apply(command, now: now) }
            if case .unbatch(let endpoint) = command { unbatch(endpoint: endpoint, now: now, reason: "asked for (\(source.rawValue))", into: &actions) }
            let endpoint = command.endpointIndex.flatMap { names.indices.contains($0) ? names[$0] : nil }
            stats.append((.action(command, endpoint: endpoint, from: source), now))
            if levels.infos { actions.append(.log(.command(command, from: source))) }
            actions.append(publication(now: now))
        case .itemsRead(let items):
            read(items, now: now, into: &actions)
        case .sourceFailed(let error):
            demandOutstanding = false
            scheduler.sourceDidFinish()
            fail(error, now: now, into: &actions)
        case .attemptCompleted(let dispatch, let result, let limits, let sentAt, let finishedAt):
            complete(dispatch, result: result, limits: limits, sentAt: sentAt, finishedAt: finishedAt, now: now, into: &actions)
        case .resent(let dispatch):
            stats.append((.resent(endpoint: dispatch.endpoint), now))
            let record = dispatch.attempt.record
            keep(SendTrace(endpoint: names[dispatch.endpoint], isResend: true), after: sendTraces.removeValue(forKey: record.line), of: record)
            if levels.debugs { actions.append(.log(.resent(dispatch.attempt.record, endpoint: names[dispatch.endpoint]))) }
        case .timerFired:
            timerDeadline = nil
            batchTimer = nil
        case .tick:
            announce(scheduler.accrueSpend(now: now), into: &actions)
            checkDeadline(now: now, into: &actions)
            if fatalError == nil { actions.append(.flush) }
            actions.append(publication(now: now))
        case .writeFailed(let error):
            fail(error, now: now, into: &actions)
        case .closesConnections(let endpoint):
            guard names.indices.contains(endpoint), closingEndpoints.insert(endpoint).inserted else { break }
            actions.append(.log(.closesConnections(names[endpoint])))
            actions.append(publication(now: now))
        case .serverLoad(let endpoint, let load):
            guard names.indices.contains(endpoint) else { break }
            serverLoads[endpoint] = load
            if let load { scheduler.serverReported(load, endpoint: endpoint, now: now) }
        case .clientLoad(let load):
            if load.isBound && clientLoad?.isBound != true { actions.append(.log(.clientBound(load))) }
            clientLoad = load
        case .batchStatus, .batchEnded, .batchFailed, .batchOrphaned:
            handleBatch(event, now: now, into: &actions)
        case .fleetGrants, .fleetBeat, .fleetLearned, .fleetLink, .fleetBudget:
            handleFleet(event, now: now, into: &actions)
        }
        pump(now: now, into: &actions)
    }

    /// The last publication, marked finished.
    mutating func finalPublication(now: Double) -> Action {
        var action = publication(now: now)
        if case .publish(let events, var control) = action {
            control.isFinished = true
            action = .publish(events, control)
        }
        return action
    }

    /// How the run ended, once `finish` was returned.
    var result: (fatalError: EngineError?, wasStopped: Bool, abandoned: Int, unreachable: [(endpoint: String, lastError: String)]?) {
        let unfinished = !(scheduler.sourceFinished && scheduler.bufferedCount == 0 && scheduler.pendingRetryCount == 0 && batches.isIdle
                           && waitingForBatch.isEmpty)
        let unreachable = scheduler.stoppedUnreachable ? names.indices.map { index in
            (names[index], scheduler.health[index].lastFailure.map { redactor.message(for: $0) } ?? "no answer")
        } : nil
        return (fatalError, unfinished || abandoned > 0, abandoned, unreachable)
    }

    // MARK: - Steps

    /// A command for this shard alone (a fleet's setting read from the store comes here too).
    mutating func apply(_ command: EngineCommand, now: Double) {
        switch command {
        case .pause: scheduler.pause()
        case .resume: scheduler.resume()
        case .stop: scheduler.stop(now: now)
        case .setRate(let rate): scheduler.setRate(rate, now: now)
        case .setWeight(let endpoint, let weight): scheduler.setWeight(weight, endpoint: endpoint)
        case .setMaxInFlight(let cap): scheduler.setMaxInFlight(cap)
        case .setMaxInFlightAuto: scheduler.setMaxInFlightAuto(now: now)
        case .setEndpointMaxInFlight(let endpoint, let cap): scheduler.setMaxInFlight(cap, endpoint: endpoint, now: now)
        case .unbatch: break
        case .fleetWide(let inner): apply(inner, now: now)
        }
    }

    /// Stops the run for good on the first fatal error (later ones are not news).
    mutating func fail(_ error: EngineError, now: Double, into actions: inout [Action]) {
        if fatalError == nil { actions.append(.log(.fatal(error))) }
        fatalError = fatalError ?? error
        scheduler.stop(now: now)
    }

    /// The stats events gathered since the last publication, with the scheduler's state now.
    mutating func publication(now: Double) -> Action {
        defer { stats.removeAll(keepingCapacity: true) }
        var control = scheduler.control(now: now)
        for endpoint in closingEndpoints { control.endpoints[endpoint].reusesConnections = false }
        for (endpoint, load) in serverLoads { control.endpoints[endpoint].server = load }
        control.client = clientLoad
        if let fleet, let gate = scheduler.fleetGate { control.fleetStore = fleet.figures(gate: gate, now: now) }
        if hasBatchRoutes {
            let views = batches.views(now: now)
            for index in control.endpoints.indices where batches.endpoints[index].batch != nil {
                control.endpoints[index].inFlight += batches.count(at: index)
                control.endpoints[index].batches = views[index] ?? []
                control.endpoints[index].isBatchRoute = true
            }
            control.deadline = deadline?.figures(now: now, saved: batchSaved)
            control.wallTime = lines.wallStart + now
        }
        return .publish(stats, control)
    }

    /// Asks for pools the size of the endpoints' caps where a cap changed (no allocation when none did).
    private mutating func resizePools(into actions: inout [Action]) {
        if poolSizes.isEmpty { poolSizes = Array(repeating: 0, count: names.count) }
        var changed: [(endpoint: Int, connections: Int)] = []
        for index in poolSizes.indices {
            let cap = min(scheduler.connectionCap(of: index), Defaults.maxConnectionsPerEndpoint)
            if cap != poolSizes[index] {
                changed.append((index, cap))
                poolSizes[index] = cap
            }
        }
        if !changed.isEmpty { actions.append(.resizePools(changed)) }
    }

    /// Asks the scheduler for sends until it says wait, finish or abandon; asks for input when the
    /// buffer runs low.
    private mutating func pump(now: Double, into actions: inout [Action]) {
        resizePools(into: &actions)
        pumpBatches(now: now, into: &actions)
        if !scheduler.sourceFinished, !scheduler.isStopping, !demandOutstanding, scheduler.bufferedCount < Self.readAhead, waitingForBatch.isEmpty {
            demandOutstanding = true
            actions.append(.askForInput)
        }
        defer { announceSpendStop(now: now, into: &actions) }
        while true {
            switch scheduler.nextAction(now: now) {
            case .dispatch(let dispatch):
                let attempt = dispatch.attempt
                stats.append((attempt.isFreeResend ? .resent(endpoint: dispatch.endpoint) : .sent(endpoint: dispatch.endpoint, isRetry: attempt.number > 1), now))
                actions.append(.send(dispatch, at: now))
                if fleet != nil { countFleetSend(dispatch, now: now) }
            case .wait(let until):
                if fleet != nil { askForLeases(now: now, into: &actions) }
                if let until, timerDeadline.map({ until < $0 }) ?? true {
                    timerDeadline = until
                    actions.append(.armTimer(at: until))
                }
                return
            case .finished where batchesPending:
                // Batches are open at the provider: their results are still to come.
                return
            case .finished:
                isFinished = true
                actions.append(.finish)
                return
            case .abandonInFlight:
                abandoned = scheduler.inFlight
                isFinished = true
                actions.append(.cancelInFlight)
                actions.append(.finish)
                return
            }
        }
    }
}
