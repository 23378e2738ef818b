extension StatusDocument {
    /// What the snapshot does not know about its run: who runs it and where.
    public struct Context: Sendable, Hashable {
        public var pid: Int32
        public var host: String
        public var startedAt: Double
        public var run: RunInfo
        /// Records in the input, once counted.
        public var total: Int?
        public var exitCode: Int32?

        public init(pid: Int32, host: String, startedAt: Double, run: RunInfo, total: Int? = nil, exitCode: Int32? = nil) {
            self.pid = pid
            self.host = host
            self.startedAt = startedAt
            self.run = run
            self.total = total
            self.exitCode = exitCode
        }
    }

    /// The document of `snapshot`, taken in the run `context` describes.
    public init(_ snapshot: StatsSnapshot, context: Context) {
        pid = context.pid
        host = context.host
        startedAt = context.startedAt
        elapsedS = snapshot.elapsed
        state = snapshot.state.rawValue.lowercased()
        exitCode = context.exitCode
        run = context.run
        run.inputBytes = snapshot.progress.totalBytes ?? run.inputBytes
        run.inputBytesRead = snapshot.progress.bytesRead
        records = Records(read: snapshot.read, saved: snapshot.succeeded, failed: snapshot.failed, inFlight: snapshot.inFlight,
                          total: context.total, badLines: snapshot.badLines, resumed: snapshot.resumed, sent: snapshot.sent,
                          retries: snapshot.retries, resends: snapshot.resends, pendingRetries: snapshot.pendingRetries)
        maxInFlight = snapshot.maxInFlight
        maxInFlightAuto = snapshot.inFlightIsAuto
        sentPerS = snapshot.measuredRate
        finishedPerS = snapshot.completionRate
        sentHistory = snapshot.rateHistory
        errorsByKind = ErrorKind.allCases.compactMap { kind in snapshot.errorsByKind[kind].map { KindCount(kind: kind.code, count: $0) } }
        recentErrors = snapshot.recentErrors.map {
            RecentError(atS: $0.at, source: $0.source, message: $0.message, note: $0.note.map(Note.init))
        }
        tokens = Tokens(snapshot.tokens)
        endpoints = snapshot.endpoints.map(Endpoint.init)
        // Optional fields go last: they are set through their wrappers once the rest is in place.
        rateLimit = snapshot.targetRate > 0 ? snapshot.targetRate : nil
        tokensPerMinute = snapshot.tokensPerMinute > 0 ? snapshot.tokensPerMinute : nil
        firstBadLine = snapshot.firstBadLine
        slo = snapshot.serviceLevels.map { ServiceLevelTargets(ttftS: $0.ttft, tpotS: $0.tpot, e2eS: $0.e2e) }
        cost = Cost(snapshot.control.spend, projected: snapshot.projectedCost(total: context.total))
        client = snapshot.control.client.map(Client.init)
        fleetStore = snapshot.control.fleetStore.map(FleetStore.init)
    }

    /// The snapshot this document was made from, as far as the wire carries it: what the
    /// dashboard draws. Unknown names (a newer schema's kinds) read as the nearest known one.
    public var snapshot: StatsSnapshot {
        var snapshot = StatsSnapshot()
        snapshot.state = StatsSnapshot.RunState(rawValue: state.uppercased()) ?? .running
        snapshot.elapsed = elapsedS
        snapshot.read = records.read
        snapshot.succeeded = records.saved
        snapshot.failed = records.failed
        snapshot.inFlight = records.inFlight
        snapshot.badLines = records.badLines
        snapshot.resumed = records.resumed
        snapshot.sent = records.sent
        snapshot.retries = records.retries
        snapshot.resends = records.resends
        snapshot.pendingRetries = records.pendingRetries
        snapshot.targetRate = rateLimit ?? 0
        snapshot.tokensPerMinute = tokensPerMinute ?? 0
        snapshot.maxInFlight = maxInFlight
        snapshot.inFlightIsAuto = maxInFlightAuto
        snapshot.measuredRate = sentPerS
        snapshot.completionRate = finishedPerS
        snapshot.rateHistory = sentHistory
        for entry in errorsByKind {
            let kind = ErrorKind.allCases.first { $0.code == entry.kind } ?? .other
            snapshot.errorsByKind[kind] = (snapshot.errorsByKind[kind] ?? 0).saturatingAdding(entry.count)
        }
        snapshot.recentErrors = recentErrors.map { ErrorEntry(at: $0.atS, source: $0.source, message: $0.message, note: $0.note?.failureNote) }
        snapshot.firstBadLine = firstBadLine
        snapshot.promptTokens = tokens.prompt
        snapshot.completionTokens = tokens.completion
        snapshot.tokens = tokens.figures
        snapshot.serviceLevels = slo.map { ServiceLevels(ttft: $0.ttftS, tpot: $0.tpotS, e2e: $0.e2eS) }
        snapshot.progress = SourceProgress(bytesRead: run.inputBytesRead, totalBytes: run.inputBytes, linesRead: records.read)
        snapshot.endpoints = endpoints.map(\.snapshot)
        snapshot.control.endpoints = snapshot.endpoints.map(\.control)
        if let cost { snapshot.control.spend = cost.figures }
        snapshot.control.client = client?.load
        snapshot.control.deadline = deadline?.figures
        snapshot.control.fleetStore = fleetStore?.figures
        // Batches' ages on an attached screen: the run's wall time when it made this status.
        if endpoints.contains(where: { !($0.batches ?? []).isEmpty }) { snapshot.control.wallTime = startedAt + elapsedS }
        return snapshot
    }
}

extension StatusDocument.Note {
    init(_ note: FailureNote) {
        switch note {
        case .failed(let attempt, let of): self.init(kind: "failed", attempt: attempt, of: of)
        case .rateLimitedTooLong(let seconds, let sends): self.init(kind: "rate_limited_too_long", seconds: seconds, sends: sends)
        case .rateLimited: self.init(kind: "rate_limited")
        case .notProcessed(let resentIn): self.init(kind: "not_processed", seconds: resentIn)
        case .retrying(let attempt, let of, let retryIn): self.init(kind: "retrying", attempt: attempt, of: of, seconds: retryIn)
        case .waitingUnsent(let attempt, let nextTryIn): self.init(kind: "waiting_unsent", attempt: attempt, seconds: nextTryIn)
        case .outOfFunds: self.init(kind: "out_of_funds")
        }
    }

    /// The note, or nil for a kind this version does not know.
    var failureNote: FailureNote? {
        let attempt = attempt ?? 0, of = of ?? 0, seconds = seconds ?? 0
        switch kind {
        case "failed": return .failed(attempt: attempt, of: of)
        case "rate_limited_too_long": return .rateLimitedTooLong(seconds: seconds, sends: sends ?? 0)
        case "rate_limited": return .rateLimited
        case "not_processed": return .notProcessed(resentIn: seconds)
        case "retrying": return .retrying(attempt: attempt, of: of, retryIn: seconds)
        case "waiting_unsent": return .waitingUnsent(attempt: attempt, nextTryIn: seconds)
        case "out_of_funds": return .outOfFunds
        default: return nil
        }
    }
}

extension StatusDocument.Quantiles {
    init(_ percentiles: Percentiles) {
        self.init(p50Ms: percentiles.p50.map { $0 * 1000 }, p90Ms: percentiles.p90.map { $0 * 1000 },
                  p99Ms: percentiles.p99.map { $0 * 1000 })
    }

    var percentiles: Percentiles {
        Percentiles(p50: p50Ms.map { $0 / 1000 }, p90: p90Ms.map { $0 / 1000 }, p99: p99Ms.map { $0 / 1000 })
    }
}

extension StatusDocument.Histogram {
    public init(_ distribution: Distribution) {
        var counts = distribution.counts
        while counts.last == 0 { counts.removeLast() }
        self.init(binsPerDecade: Distribution.binsPerDecade, floorS: Distribution.floor, total: distribution.total, counts: counts)
    }

    /// The histogram as a `Distribution`; empty when its bins are not this version's.
    public var distribution: Distribution {
        let size = Distribution().counts.count
        guard binsPerDecade == Distribution.binsPerDecade, floorS == Distribution.floor, counts.count <= size else { return Distribution() }
        return Distribution(counts: counts + Array(repeating: 0, count: size - counts.count)) ?? Distribution()
    }
}

extension StatusDocument.Tokens {
    init(_ figures: TokenFigures) {
        self.init(answers: figures.answers, streamed: figures.streamed, good: figures.good, prompt: figures.promptTokens,
                  completion: figures.completionTokens, outputPerS: figures.outputTokensPerSecond, goodPerS: figures.goodRate,
                  ttft: .init(figures.ttft), itl: .init(figures.itl), tpot: .init(figures.tpot),
                  ttftHistogram: .init(figures.ttftDistribution), answerHistory: figures.answerHistory, tokenHistory: figures.tokenHistory)
    }

    var figures: TokenFigures {
        var figures = TokenFigures()
        figures.answers = answers
        figures.streamed = streamed
        figures.good = good
        figures.promptTokens = prompt
        figures.completionTokens = completion
        figures.outputTokensPerSecond = outputPerS
        figures.goodRate = goodPerS
        figures.ttft = ttft.percentiles
        figures.itl = itl.percentiles
        figures.tpot = tpot.percentiles
        figures.ttftDistribution = ttftHistogram.distribution
        figures.answerHistory = answerHistory
        figures.tokenHistory = tokenHistory
        return figures
    }
}
