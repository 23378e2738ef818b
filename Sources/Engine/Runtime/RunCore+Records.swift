extension RunCore {
    /// Items read: skip what an earlier run finished, refuse bad lines and repeats (written at once),
    /// queue the rest.
    mutating func read(_ items: [SourceItem], now: Double, into actions: inout [Action]) {
        demandOutstanding = false
        if items.isEmpty { scheduler.sourceDidFinish() }
        stats.append((.read(count: items.count), now))
        var records: [RequestRecord] = []
        records.reserveCapacity(items.count)
        var resumed = 0
        for item in items {
            switch filter.admit(item) {
            case .send(var record):
                if let reason = routing.refusal(for: &record) ?? scheduler.unpricedModel(of: record).map(Self.unpricedReason) {
                    refuse(BadLine(record, reason: reason), now: now, into: &actions)
                } else {
                    records.append(record)
                }
            case .alreadyDone: resumed += 1
            case .otherShard: break
            case .changed(let line):
                // Nothing of this batch is sent: the files describe another input.
                if resumed > 0 { stats.append((.resumed(count: resumed), now)) }
                scheduler.sourceDidFinish()
                fail(.inputChanged(line: line), now: now, into: &actions)
                return
            case .reject(let bad):
                refuse(bad, now: now, into: &actions)
            }
        }
        if resumed > 0 { stats.append((.resumed(count: resumed), now)) }
        route(records, now: now, into: &actions)
    }

    /// A line that is not sent: one error record with its line number.
    private mutating func refuse(_ bad: BadLine, now: Double, into actions: inout [Action]) {
        actions.append(.log(.badLine(bad)))
        if fatalError == nil { actions.append(.write(lines.badLine(bad), success: false)) }
        stats.append((.badLine(line: bad.line, reason: bad.reason), now))
    }

    /// Why a line under `--max_cost` is not sent: its model has no known price.
    static func unpricedReason(_ model: String) -> String {
        model.isEmpty
            ? "the line names no model, so --max_cost cannot price it: set \"model\" (or --model), or give the endpoint a price: in --endpoints"
            : "model \"\(model)\" has no known price, so --max_cost cannot hold for it: add it to a --prices file (or give the endpoint a price:)"
    }

    /// An attempt came back: the scheduler decides the record's fate; its line is written when final.
    mutating func complete(_ dispatch: Dispatch, result: Result<ParsedAnswer, EngineError>, limits: ProviderRateLimits?,
                           sentAt: Double, finishedAt: Double, now: Double, into actions: inout [Action]) {
        let latency = finishedAt - sentAt
        let record = dispatch.attempt.record
        // Sends the server never processed (free resends) are not attempts: they are in the stats only.
        let attempts = dispatch.attempt.number - dispatch.attempt.freeResends
        let endpoint = dispatch.endpoint
        // 429s about rate are the endpoint's capacity: they do not count against --max_attempts.
        let failure: EngineError? = if case .failure(let error) = result { error } else { nil }
        let rateLimited = failure.map(scheduler.waitsOutRateLimit) ?? false
        // Not processed by the server: sent again without spending an attempt either.
        let unprocessed = failure.map { scheduler.spendsNoAttempt(dispatch, $0) } ?? false
        let counted = dispatch.attempt.failures + (rateLimited || unprocessed ? 0 : 1)
        let before = levels.infos ? scheduler.status(of: endpoint, now: now) : nil
        let charge = scheduler.charge(dispatch, result: result, now: now)
        announce(charge.alerts, into: &actions)
        announceSpendWarnings(into: &actions)
        let spent = dispatch.attempt.spent.flatMap { earlier in charge.cost.map { earlier + $0 } }
        let outcome = scheduler.complete(dispatch, result: result, limits: limits, now: now, spent: spent, using: &generator)
        if fleet != nil { teachFleet(dispatch, failure: failure, limits: limits, now: now, into: &actions) }
        if let before {
            actions.append(.log(.endpointChanged(names[endpoint], from: before, to: scheduler.status(of: endpoint, now: now))))
        }
        // This send, kept with the record's earlier ones when it was sent more than once (made only
        // then: most records are sent once).
        func send() -> SendTrace {
            var send = SendTrace(endpoint: names[endpoint], isResend: dispatch.attempt.isFreeResend)
            if let failure, !(unprocessed && failure.isUnseenByServer) {
                send.errorKind = failure.kind
                send.latency = latency
            }
            return send
        }
        let earlier = sendTraces.isEmpty ? nil : sendTraces.removeValue(forKey: record.line)
        switch outcome {
        case .succeeded(let answer):
            // What the real-time endpoints carry when busy: the deadline's rate when no limit is set.
            if deadline != nil { realtimeThroughput.record(now: now) }
            if levels.traces { actions.append(.log(.answered(record, endpoint: names[endpoint], attempts: attempts, latency: latency))) }
            if fatalError == nil {
                actions.append(.write(lines.success(record, answer: answer, endpoint: endpoint, attempts: attempts, latency: latency, sentAt: sentAt,
                                                    cost: spent, sends: earlier.map { $0 + [send()] }), success: true))
            }
            let tokens = TokenUsage(usage: answer.usage)
            let completionTokens = tokens?.output ?? answer.timing?.outputTokens ?? 0
            stats.append((.succeeded(endpoint: endpoint, latency: latency, promptTokens: tokens?.prompt ?? 0,
                                     completionTokens: completionTokens, timing: answer.timing,
                                     good: serviceLevels?.isMet(latency: latency, timing: answer.timing)), finishedAt))
        case .failed(let error):
            let message = redactor.message(for: error)
            actions.append(.log(.failed(record, endpoint: names[endpoint], attempts: attempts, message: message)))
            if fatalError == nil {
                actions.append(.write(lines.failure(record, error: error, message: message, endpoint: endpoint, attempts: attempts, sentAt: sentAt,
                                                    cost: spent, sends: earlier.map { $0 + [send()] }), success: false))
            }
            let note: FailureNote = rateLimited
                ? .rateLimitedTooLong(seconds: now - (dispatch.attempt.rateLimitedSince ?? dispatch.sentAt), sends: attempts)
                : .failed(attempt: counted, of: maxAttempts)
            stats.append((.failed(endpoint: endpoint, kind: error.kind, latency: latency, message: message, note: note, final: true), finishedAt))
        case .willRetry(let error, _) where unprocessed && error.isUnseenByServer:
            // The server never saw it (a connection it had closed, a stream it refused): a resend,
            // counted when it goes out, and no error.
            keep(send(), after: earlier, of: record)
        case .willRetry(let error, let at):
            let wait = max(0, at - finishedAt)
            let reason = redactor.message(for: error)
            if levels.debugs {
                actions.append(.log(.retrying(record, endpoint: names[endpoint], attempt: attempts, message: reason, after: wait)))
            }
            let note: FailureNote = if error.isOutOfFunds {
                .outOfFunds
            } else if rateLimited {
                .rateLimited
            } else if unprocessed {
                .notProcessed(resentIn: wait)
            } else if counted < maxAttempts {
                .retrying(attempt: counted, of: maxAttempts, retryIn: wait)
            } else {
                .waitingUnsent(attempt: counted, nextTryIn: wait)
            }
            stats.append((.failed(endpoint: endpoint, kind: error.kind, latency: latency, message: reason, note: note, final: false), finishedAt))
            keep(send(), after: earlier, of: record)
        }
    }

    /// Keeps a send of a record that will be sent again, after its `earlier` ones.
    mutating func keep(_ send: SendTrace, after earlier: [SendTrace]?, of record: RequestRecord) {
        var traces = earlier ?? []
        if traces.count < SendTrace.maxKept - 1 { traces.append(send) }
        sendTraces[record.line] = traces
    }
}

extension RunCore {
    /// Says each spend alert (a share of `--max_cost` passed) in the log; the screen reads them from the state.
    mutating func announce(_ alerts: [Double], into actions: inout [Action]) {
        let cap = scheduler.spending.cap
        for level in alerts { actions.append(.log(.spendAlert(level: level, spent: cap.spent, cap: cap.cap ?? 0))) }
    }

    /// Logs the warnings about usage that `Spending` added since the last answer (each is said once there).
    mutating func announceSpendWarnings(into actions: inout [Action]) {
        let warnings = scheduler.spending.warnings
        guard warnings.count > spendWarningsLogged else { return }
        for warning in warnings[spendWarningsLogged...] { actions.append(.log(.spendWarning(warning))) }
        spendWarningsLogged = warnings.count
    }

    /// Says once that sending stopped for money.
    mutating func announceSpendStop(now: Double, into actions: inout [Action]) {
        guard !spendStopAnnounced, let reason = scheduler.spending.stop else { return }
        spendStopAnnounced = true
        actions.append(.log(.spendStopped(reason, scheduler.spending.figures(now: now))))
    }
}
