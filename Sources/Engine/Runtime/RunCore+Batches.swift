/// The batch routes in the run core: records split between real-time and batch routes by weight,
/// packed, their batches' news taken in, their results written exactly once.
extension RunCore {
    /// Sends records on their way: each joins a recovered batch that holds it, or goes to a
    /// batch route or the real-time endpoints as the weights say.
    mutating func route(_ records: [RequestRecord], now: Double, into actions: inout [Action]) {
        guard hasBatchRoutes else { return scheduler.enqueue(records) }
        var realtime: [RequestRecord] = []
        for record in records {
            switch batches.rejoin(record) {
            case .waiting: continue
            case .ended(let pending?):
                let member = BatchBook.Member(record: record, customID: BatchCustomID.of(record, dialect: batches.endpoints[pending.endpoint].dialect))
                settle(member, outcome: pending.outcome, endpoint: pending.endpoint, batchID: pending.batchID, submittedAt: now,
                       realtimeOnly: false, now: now, into: &actions)
                continue
            case .ended(nil), .notHeld: break
            }
            if let endpoint = batchRoute(for: record, now: now) {
                var member = BatchBook.Member(record: record, customID: BatchCustomID.of(record, dialect: batches.endpoints[endpoint].dialect))
                member.attempts = batchAttempts.removeValue(forKey: record.line) ?? 0
                pack(member, at: endpoint, now: now, into: &actions)
            } else if hasRealtimeRoute {
                realtime.append(record)
            } else {
                waitingForBatch.append(record)
            }
        }
        scheduler.enqueue(realtime)
    }

    /// The batch route `record` goes to (nil: the real-time endpoints), by smooth weighted
    /// round-robin between the real-time endpoints' total and each batch route that can take it.
    mutating func batchRoute(for record: RequestRecord, now: Double) -> Int? {
        let weights = scheduler.balancer.weights
        var candidates: [(Int, Double)] = []
        let realtimeWeight = weights.indices.reduce(0.0) { sum, index in
            batches.endpoints[index].batch == nil && (record.translates || record.dialect == batches.endpoints[index].dialect) ? sum + weights[index] : sum
        }
        if realtimeWeight > 0 { candidates.append((-1, realtimeWeight)) }
        for index in weights.indices where batches.endpoints[index].batch != nil && weights[index] > 0 && !unbatched.contains(index) {
            guard record.translates || record.dialect == batches.endpoints[index].dialect,
                  batches.accepts(batches.fillModel(of: record, at: index), at: index),
                  deadline?.allowsBatch(at: index, now: now) ?? true else { continue }
            candidates.append((index, weights[index]))
        }
        guard !candidates.isEmpty else { return nil }
        var chosen = candidates[0].0
        var total = 0.0
        for (index, weight) in candidates {
            routeScores[index, default: 0] += weight
            total += weight
            if routeScores[index]! > routeScores[chosen]! { chosen = index }
        }
        routeScores[chosen]! -= total
        return chosen >= 0 ? chosen : nil
    }

    /// Puts a record into its route's filling batch (under a cap, its worst case reserved first);
    /// a batch that fills goes at once.
    mutating func pack(_ member: BatchBook.Member, at endpoint: Int, now: Double, into actions: inout [Action]) {
        var member = member
        let item: [UInt8]
        do {
            item = try BatchPayload.item(for: member.record, customID: member.customID, endpoint: batches.endpoints[endpoint])
        } catch {
            return scheduler.enqueue([member.record])
        }
        if let reservation = scheduler.reserveForBatch(member.record, at: endpoint) {
            (member.reserved, member.promptBound) = reservation
        } else if hasRealtimeRoute {
            // Over the cap at the batch price too: the real-time path decides (and stops) as it does.
            return scheduler.enqueue([member.record])
        } else {
            // Nothing else can take it: sending stops for money; this record and the rest stay unsent.
            return scheduler.stopForSpend(.cap, now: now)
        }
        if let sealed = batches.add(member, item: item, at: endpoint, now: now) { submit(sealed, now: now, into: &actions) }
    }

    /// Hands a sealed batch to its worker; its records count as sent.
    mutating func submit(_ submission: BatchBook.Submission, now: Double, into actions: inout [Action]) {
        stats.append((.batched(endpoint: submission.endpoint, count: submission.members.count), now))
        actions.append(.log(.batchSubmitted(names[submission.endpoint], key: submission.key, records: submission.members.count)))
        actions.append(.submitBatch(submission))
    }

    /// Seals the batches due and routes records that waited for room.
    mutating func pumpBatches(now: Double, into actions: inout [Action]) {
        guard hasBatchRoutes else { return }
        guard !scheduler.isStopping else {
            // Filling batches never go once the run stops: their records stay unsent, their money is freed.
            for member in batches.takeFilling(endpoint: nil) { scheduler.release(reserved: member.reserved) }
            return
        }
        if !waitingForBatch.isEmpty {
            let waiting = waitingForBatch
            waitingForBatch.removeAll()
            route(waiting, now: now, into: &actions)
        }
        let inputEnded = scheduler.sourceFinished && scheduler.bufferedCount == 0 && waitingForBatch.isEmpty
        for sealed in batches.due(now: now, inputEnded: inputEnded) { submit(sealed, now: now, into: &actions) }
        if let fill = batches.nextFillDeadline, fill > now, batchTimer.map({ fill < $0 || $0 <= now }) ?? true {
            batchTimer = fill
            actions.append(.armTimer(at: fill))
        }
    }

    /// `--deadline`, decided with the heartbeat (not on every event): cancels the open batches when
    /// the real-time endpoints need the time left.
    mutating func checkDeadline(now: Double, into actions: inout [Action]) {
        guard var policy = deadline, !scheduler.isStopping else { return }
        let cancel = policy.decide(now: now, book: batches, wallStart: lines.wallStart, realtimeRate: realtimeRate(now: now),
                                   unfinishedRealtime: scheduler.bufferedCount + scheduler.pendingRetryCount + scheduler.inFlight)
        deadline = policy
        if cancel { unbatch(endpoint: nil, now: now, reason: "the deadline", into: &actions) }
    }

    /// `b` / `unbatch`: cancels the open batches of `endpoint` (every batch route's when nil); their
    /// unfinished records, and those still filling, go to the real-time endpoints.
    mutating func unbatch(endpoint: Int?, now: Double, reason: String, into actions: inout [Action]) {
        for member in batches.takeFilling(endpoint: endpoint) {
            scheduler.release(reserved: member.reserved)
            scheduler.enqueue([member.record])
        }
        if let endpoint { unbatched.insert(endpoint) } else { unbatched.formUnion(batches.endpoints.indices.filter { batches.endpoints[$0].batch != nil }) }
        for key in batches.cancel(endpoint: endpoint) {
            actions.append(.cancelBatch(key))
            actions.append(.log(.batchCancelled(key: key, reason: reason)))
        }
    }

    /// Batches still to be waited for before the run can end: open ones (also after a stop for
    /// money, so what was paid for is written; a stop by the operator leaves them to the journal),
    /// and, while the run goes on, filling ones and records waiting for room.
    var batchesPending: Bool {
        if scheduler.isStopping { return scheduler.spending.stop != nil && !batches.open.isEmpty }
        return !batches.isIdle || !waitingForBatch.isEmpty
    }

    /// What the real-time endpoints can carry, requests a second: the limit in force, else what they showed.
    func realtimeRate(now: Double) -> Double {
        scheduler.limiter.rate > 0 ? scheduler.limiter.rate : realtimeThroughput.peak
    }
}
