/// A batch's news in the run core: its status, its end and results, a failure to create it.
extension RunCore {
    mutating func handleBatch(_ event: Event, now: Double, into actions: inout [Action]) {
        switch event {
        case .batchStatus(let key, let object):
            batches.update(key, object)
        case .batchEnded(let key, let object, let results):
            batches.update(key, object)
            guard let (batch, outcomes) = batches.close(key, results: results, now: now) else { return }
            var notRun = 0
            for (member, outcome) in outcomes {
                switch outcome {
                case nil, .notRun?: notRun += 1
                default: break
                }
                settle(member, outcome: outcome ?? .notRun("no result"), endpoint: batch.endpoint, batchID: object.id,
                       submittedAt: batch.submittedAt, realtimeOnly: batch.realtimeOnly, now: now, into: &actions)
            }
            actions.append(.log(.batchEnded(names[batch.endpoint], id: object.id, status: object.status, records: outcomes.count, notRun: notRun)))
            actions.append(.flush)
            actions.append(.batchDone(key))
        case .batchFailed(let key, let error, let validation):
            if validation, let again = batches.retryAsOne(key, now: now) {
                actions.append(.log(.batchRefused(key: key, message: redactor.message(for: error), again: true)))
                actions.append(.submitBatch(again))
                actions.append(.batchDone(key))
                return
            }
            guard let (batch, outcomes) = batches.close(key, results: [], now: now) else { return }
            actions.append(.log(.batchRefused(key: key, message: redactor.message(for: error), again: false)))
            for (member, _) in outcomes {
                let outcome: BatchResult.Outcome = validation ? .failed(error) : .notRun("not created")
                settle(member, outcome: outcome, endpoint: batch.endpoint, batchID: nil, submittedAt: batch.submittedAt,
                       realtimeOnly: false, now: now, into: &actions)
            }
            actions.append(.flush)
            actions.append(.batchDone(key))
        case .batchOrphaned(let key):
            // Nothing of it reached the provider: its records are sent as any others when read.
            let free = batches.forget(key)
            route(free, now: now, into: &actions)
            actions.append(.batchDone(key))
        default:
            break
        }
    }

    /// One record's end in a batch: its line written, or (did not run, or a retryable failure
    /// with attempts left) it goes back to be sent again.
    mutating func settle(_ member: BatchBook.Member, outcome: BatchResult.Outcome, endpoint: Int, batchID: String?, submittedAt: Double,
                         realtimeOnly: Bool, now: Double, into actions: inout [Action]) {
        let record = member.record
        let latency = max(0, now - submittedAt)
        var dispatch = Dispatch(attempt: Attempt(record: record, number: member.attempts + 1, previousEndpoint: nil), endpoint: endpoint)
        dispatch.reservedUSD = member.reserved
        dispatch.promptBound = member.promptBound
        switch outcome {
        case .notRun:
            scheduler.release(reserved: member.reserved)
            requeue(record, attempts: member.attempts, realtimeOnly: realtimeOnly, now: now, into: &actions)
        case .answered(let answer):
            let charge = scheduler.charge(dispatch, result: .success(answer), now: now, byRequestModel: true)
            announce(charge.alerts, into: &actions)
            announceSpendWarnings(into: &actions)
            let cost = member.spent.flatMap { earlier in charge.cost.map { earlier + $0 } }
            if let paid = charge.cost, let full = scheduler.realtimeCost(of: record, usage: answer.usage, at: endpoint), full > paid {
                batchSaved += full - paid
            }
            if fatalError == nil {
                let line = lines.success(record, answer: answer, endpoint: endpoint, attempts: member.attempts + 1, latency: latency,
                                         sentAt: submittedAt, cost: cost)
                actions.append(.write(Self.marked(line, batchID: batchID, format: lines.format), success: true))
            }
            let tokens = TokenUsage(usage: answer.usage)
            stats.append((.succeeded(endpoint: endpoint, latency: latency, promptTokens: tokens?.prompt ?? 0,
                                     completionTokens: tokens?.output ?? 0), now))
        case .failed(let error):
            let charge = scheduler.charge(dispatch, result: .failure(error), now: now)
            let attempts = member.attempts + 1
            let message = redactor.message(for: error)
            if error.isRetryable && attempts < maxAttempts {
                stats.append((.failed(endpoint: endpoint, kind: error.kind, latency: latency, message: message,
                                      note: .retrying(attempt: attempts, of: maxAttempts, retryIn: 0), final: false), now))
                return requeue(record, attempts: attempts, realtimeOnly: realtimeOnly, now: now, into: &actions)
            }
            actions.append(.log(.failed(record, endpoint: names[endpoint], attempts: attempts, message: message)))
            if fatalError == nil {
                let line = lines.failure(record, error: error, message: message, endpoint: endpoint, attempts: attempts, sentAt: submittedAt,
                                         cost: member.spent.flatMap { earlier in charge.cost.map { earlier + $0 } })
                actions.append(.write(Self.marked(line, batchID: batchID, format: lines.format), success: false))
            }
            stats.append((.failed(endpoint: endpoint, kind: error.kind, latency: latency, message: message,
                                  note: .failed(attempt: attempts, of: maxAttempts), final: true), now))
        }
    }

    /// A record that goes again: to the real-time endpoints only (after a cancel), else as the weights say.
    mutating func requeue(_ record: RequestRecord, attempts: Int, realtimeOnly: Bool, now: Double, into actions: inout [Action]) {
        if realtimeOnly || !hasBatchRoutes {
            scheduler.enqueue([record])
        } else {
            if attempts > 0 { batchAttempts[record.line] = attempts }
            route([record], now: now, into: &actions)
        }
    }

    /// fanout's lines of batch records say so: `route: "batch"` and the provider's `batch_id`.
    static func marked(_ line: JSONValue, batchID: String?, format: OutputFormat) -> JSONValue {
        guard format == .fanout else { return line }
        return line.setting("route", to: "batch").setting("batch_id", to: batchID.map(JSONValue.string) ?? .null)
    }
}
