import Logging

/// What a run writes to its log, one method per kind of moment, each at its level:
/// trace every answer, debug every retry, info starts/ends/commands/cooldowns, notice ejections,
/// warning records that failed for good and bad lines, error fatal problems.
///
/// Levels are read once, so a disabled level costs a branch on the hot path. Messages are built
/// from redacted error descriptions, names and ids: never a key or a header value.
struct RunLog {
    private let logger: Logger
    private let traces: Bool
    private let debugs: Bool
    private let infos: Bool

    /// One moment worth a log line, as the run core reports it.
    enum Entry: Sendable {
        case command(EngineCommand, from: CommandSource)
        case answered(RequestRecord, endpoint: String, attempts: Int, latency: Double)
        case retrying(RequestRecord, endpoint: String, attempt: Int, message: String, after: Double)
        case failed(RequestRecord, endpoint: String, attempts: Int, message: String)
        case badLine(BadLine)
        case endpointChanged(String, from: EndpointStatus, to: EndpointStatus)
        case resent(RequestRecord, endpoint: String)
        case fatal(EngineError)
        /// Spend passed `level` (a share of `--max_cost`).
        case spendAlert(level: Double, spent: Double, cap: Double)
        /// Sending stopped for money.
        case spendStopped(SpendStop, SpendFigures)
        /// Usage that cannot be true (`Spending.warnings`): an answer held at the ceiling, prompt
        /// tokens over their bound.
        case spendWarning(String)
        /// The endpoint's server closes its connections after every answer (said once).
        case closesConnections(String)
        /// fanout's own CPU or event-loop lag passed its threshold (said each time it starts).
        case clientBound(ClientLoad)
        /// A batch was packed and goes to the provider.
        case batchSubmitted(String, key: String, records: Int)
        /// A batch's cancel was asked for.
        case batchCancelled(key: String, reason: String)
        /// A batch ended and its results were written (`notRun`: records that go again).
        case batchEnded(String, id: String, status: String, records: Int, notRun: Int)
        /// The provider refused a batch (`again`: its records go in one more).
        case batchRefused(key: String, message: String, again: Bool)
        /// The fleet store stopped answering: the shard goes on alone at its share.
        case fleetStoreLost(String, share: Double, shards: Int)
        /// The fleet store answers again: the shard shares the fleet's limits again.
        case fleetStoreBack(shards: Int)
    }

    /// Which entries are worth making: the core builds only these.
    struct Levels: Sendable {
        var traces = false
        var debugs = false
        var infos = false
    }

    init(_ logger: Logger) {
        self.logger = logger
        traces = logger.logLevel <= .trace
        debugs = logger.logLevel <= .debug
        infos = logger.logLevel <= .info
    }

    var levels: Levels { Levels(traces: traces, debugs: debugs, infos: infos) }

    func write(_ entry: Entry) {
        switch entry {
        case .command(let command, let source): self.command(command, from: source)
        case .answered(let record, let endpoint, let attempts, let latency):
            answered(record, endpoint: endpoint, attempts: attempts, latency: latency)
        case .retrying(let record, let endpoint, let attempt, let message, let delay):
            retrying(record, endpoint: endpoint, attempt: attempt, message: message, after: delay)
        case .failed(let record, let endpoint, let attempts, let message):
            failed(record, endpoint: endpoint, attempts: attempts, message: message)
        case .badLine(let bad): badLine(bad)
        case .endpointChanged(let name, let before, let after): endpointChanged(name, from: before, to: after)
        case .resent(let record, let endpoint):
            logger.debug("sent again without stream_options", metadata: ["id": .string(record.id), "endpoint": .string(endpoint)])
        case .fatal(let error): fatal(error)
        case .spendAlert(let level, let spent, let cap):
            logger.warning("spend alert", metadata: ["share": "\(Int((level * 100).rounded())) %", "spent_usd": "\(Money.text(spent))",
                                                     "cap_usd": "\(Money.text(cap))"])
        case .spendWarning(let sentence):
            logger.warning("\(sentence)")
        case .closesConnections(let endpoint):
            logger.notice("the server closes its connection after every answer: each request goes on a fresh connection",
                          metadata: ["endpoint": .string(endpoint)])
        case .clientBound(let load):
            logger.warning("\(ClientLoad.warning)", metadata: ["cpu_percent": "\(Int(load.cpuPercent.rounded()))",
                                                            "loop_lag_ms_p99": "\(Int(load.loopLagP99Ms.rounded()))"])
        case .batchSubmitted(let endpoint, let key, let records):
            logger.info("batch submitted", metadata: ["endpoint": .string(endpoint), "key": .string(key), "records": "\(records)"])
        case .batchCancelled(let key, let reason):
            logger.notice("batch cancelled", metadata: ["key": .string(key), "reason": .string(reason)])
        case .batchEnded(let endpoint, let id, let status, let records, let notRun):
            logger.info("batch ended", metadata: ["endpoint": .string(endpoint), "batch_id": .string(id), "status": .string(status),
                                                  "records": "\(records)", "not_run": "\(notRun)"])
        case .batchRefused(let key, let message, let again):
            logger.warning(again ? "batch refused: its records go in one more batch" : "batch refused again: its records fail",
                           metadata: ["key": .string(key), "error": .string(message)])
        case .fleetStoreLost(let reason, let share, let shards):
            logger.warning("fleet store lost: going on alone at this shard's share", metadata: [
                "error": .string(reason), "share_per_s": "\(Format.rate(share))", "shards": "\(shards)"])
        case .fleetStoreBack(let shards):
            logger.warning("fleet store back: sharing the fleet's limits again", metadata: ["shards": "\(shards)"])
        case .spendStopped(let reason, let figures):
            logger.warning(reason == .cap ? "spend cap reached: nothing more is sent" : "every endpoint is out of money: nothing more is sent",
                           metadata: ["spent_usd": "\(Money.text(figures.spent))", "cap_usd": "\(figures.cap.map(Money.text) ?? "none")"])
        }
    }

    func started(_ configuration: EngineConfiguration) {
        guard infos else { return }
        logger.info("run started", metadata: [
            "endpoints": .string(configuration.endpoints.map { "\($0.name)@\($0.weight)" }.joined(separator: ",")),
            "rate": "\(configuration.rate)", "tokens_per_minute": "\(configuration.tokensPerMinute)",
            "max_in_flight": .string(configuration.maxInFlight.map(String.init) ?? "auto"), "max_attempts": "\(configuration.retryPolicy.maxAttempts)",
            "output_format": .string(configuration.outputFormat.rawValue),
        ])
        // Each endpoint's way out, once: direct or via which proxy (never its credentials).
        for endpoint in configuration.endpoints {
            logger.info("endpoint route", metadata: ["endpoint": .string(endpoint.name), "route": .string(endpoint.route.description)])
        }
    }

    func command(_ command: EngineCommand, from source: CommandSource) {
        guard infos else { return }
        logger.info("command applied", metadata: ["command": "\(command)", "source": .string(source.rawValue)])
    }

    func answered(_ record: RequestRecord, endpoint: String, attempts: Int, latency: Double) {
        guard traces else { return }
        logger.trace("answered", metadata: ["id": .string(record.id), "endpoint": .string(endpoint),
                                             "attempts": "\(attempts)", "latency_ms": "\(Int((latency * 1000).rounded()))"])
    }

    func retrying(_ record: RequestRecord, endpoint: String, attempt: Int, message: String, after delay: Double) {
        guard debugs else { return }
        logger.debug("retrying", metadata: ["id": .string(record.id), "endpoint": .string(endpoint), "attempt": "\(attempt)",
                                            "error": .string(message), "delay_s": "\(SecondsText.number(delay))"])
    }

    func failed(_ record: RequestRecord, endpoint: String, attempts: Int, message: String) {
        logger.warning("record failed", metadata: ["id": .string(record.id), "line": "\(record.line)", "endpoint": .string(endpoint),
                                                   "attempts": "\(attempts)", "error": .string(message)])
    }

    func badLine(_ bad: BadLine) {
        logger.warning("bad input line", metadata: ["line": "\(bad.line)", "error": .string(bad.reason)])
    }

    /// An endpoint's state moved: ejected, back, or cooling for a reason (Retry-After, provider limits).
    func endpointChanged(_ name: String, from before: EndpointStatus, to after: EndpointStatus) {
        guard infos else { return }
        switch (before, after) {
        case (.ejected, .ejected), (.probing, .probing), (.ready, .ready), (.drained, .drained):
            break
        case (.cooling(_, let was), .cooling(_, let now)) where was == now:
            break
        case (_, .ejected(let seconds)):
            logger.notice("endpoint ejected", metadata: ["endpoint": .string(name), "for_s": "\(SecondsText.number(seconds))"])
        case (.ejected, .ready), (.probing, .ready):
            logger.notice("endpoint back in rotation", metadata: ["endpoint": .string(name)])
        case (_, .cooling(let seconds, let reason)):
            logger.info("endpoint cooling", metadata: ["endpoint": .string(name), "reason": .string(reason.rawValue),
                                                       "for_s": "\(SecondsText.number(seconds))"])
        default:
            break
        }
    }

    func fatal(_ error: EngineError) {
        logger.error("run stopped by an error", metadata: ["error": .string(error.description)])
    }

    func finished(_ snapshot: StatsSnapshot, abandoned: Int) {
        guard infos else { return }
        logger.info("run finished", metadata: [
            "succeeded": "\(snapshot.succeeded)", "failed": "\(snapshot.failed)", "retries": "\(snapshot.retries)",
            "resumed": "\(snapshot.resumed)", "abandoned": "\(abandoned)", "elapsed_s": "\(SecondsText.number(snapshot.elapsed))",
        ])
    }
}
