import Synchronization

/// Carries batches through the provider's API for the run loop: journal, upload, create, poll,
/// cancel when asked, read the results, and post each step to the inbox. The only place batches
/// sleep; one task per batch.
final class BatchWorker<C: Clock>: Sendable where C.Duration == Duration {
    private let apis: [Int: any BatchAPI]
    private let settings: [Int: BatchSettings]
    private let names: [String]
    private let journal: BatchJournal?
    private let inbox: RunnerInbox
    private let clock: C
    private let wallClock: @Sendable () -> Double
    /// Keys of batches a cancel was asked for.
    private let cancels = Mutex<Set<String>>([])
    private let tasks = Mutex<[Task<Void, Never>]>([])

    init(apis: [Int: any BatchAPI], endpoints: [EndpointConfiguration], journal: BatchJournal?, inbox: RunnerInbox, clock: C,
         wallClock: @escaping @Sendable () -> Double) {
        self.apis = apis
        settings = Dictionary(uniqueKeysWithValues: endpoints.indices.compactMap { index in endpoints[index].batch.map { (index, $0) } })
        names = endpoints.map(\.name)
        self.journal = journal
        self.inbox = inbox
        self.clock = clock
        self.wallClock = wallClock
    }

    /// Journals, uploads and creates the batch, then watches it to its end.
    func submit(_ submission: BatchBook.Submission) {
        spawn { worker in await worker.carry(submission) }
    }

    /// Asks for the batch's cancel at its next poll (at once while it waits for one).
    func cancel(_ key: String) { _ = cancels.withLock { $0.insert(key) } }

    /// Picks up a batch an earlier run journalled.
    func recover(_ entry: BatchJournal.Entry, endpoint: Int, knownBatchIDs: Set<String>) {
        spawn { worker in await worker.resume(entry, endpoint: endpoint, knownBatchIDs: knownBatchIDs) }
    }

    /// Its results are in the output files: nothing is left for a rerun.
    func finished(_ key: String) {
        try? journal?.done(key: key)
    }

    /// Ends every batch's task (the batches go on at the provider; the journal keeps them).
    func stop() {
        for task in tasks.withLock({ $0 }) { task.cancel() }
    }

    private func spawn(_ body: @escaping @Sendable (BatchWorker) async -> Void) {
        let task = Task { await body(self) }
        tasks.withLock { $0.append(task) }
    }

    private func carry(_ submission: BatchBook.Submission) async {
        let key = submission.key
        guard let api = apis[submission.endpoint] else { return }
        let packedAt = wallClock()
        do throws(EngineError) {
            try journal?.packed(key: key, endpoint: names[submission.endpoint], at: packedAt, members: submission.members.map { ($0.line, $0.customID) })
        } catch {
            inbox.post(.batchFailed(key: key, error, validation: false)); return
        }
        var fileID: String?
        var attempt = 0
        while !Task.isCancelled {
            do throws(EngineError) {
                if fileID == nil, let uploaded = try await api.upload(submission.payload, name: "\(key).jsonl") {
                    fileID = uploaded
                    try journal?.uploaded(key: key, fileID: uploaded)
                }
                let batch = try await createOnce(api, fileID: fileID, payload: submission.payload, key: key, since: packedAt)
                try journal?.created(key: key, batchID: batch.id)
                inbox.post(.batchStatus(key: key, batch))
                return await watch(batch, key: key, endpoint: submission.endpoint, api: api)
            } catch {
                attempt += 1
                // A request the provider refused (4xx other than 429) is the batch's fault: no point trying it again as it is.
                if let status = error.status, (400..<500).contains(status), status != 429 || attempt >= 5 {
                    if let fileID { await api.deleteFile(fileID) }
                    inbox.post(.batchFailed(key: key, error, validation: true)); return
                }
                guard await pause(min(60, Double(1 << min(attempt, 6)))) else { return }
            }
        }
    }

    /// Creates the batch; after a failure that may have reached the provider, looks for it first.
    private func createOnce(_ api: any BatchAPI, fileID: String?, payload: [UInt8], key: String, since: Double) async throws(EngineError) -> BatchObject {
        if let found = try? await api.list(since: since - 300).first(where: { $0.key == key || ($0.inputFileID != nil && $0.inputFileID == fileID) }) {
            return found
        }
        return try await api.create(fileID: fileID, payload: payload, key: key)
    }

    /// Polls until the batch ends (cancelling it when asked), then reads and posts its results.
    private func watch(_ start: BatchObject, key: String, endpoint: Int, api: any BatchAPI) async {
        var batch = start
        var cancelSent = false
        let longest = settings[endpoint]?.pollInterval ?? 30
        // Polls start at 1 s and double up to poll_interval: a small batch is not left waiting a whole interval.
        var interval = min(longest, 1)
        while !Task.isCancelled {
            if !batch.hasEnded {
                if !cancelSent, cancels.withLock({ $0.contains(key) }) {
                    cancelSent = true
                    if let updated = try? await api.cancel(batch.id) { batch = updated }
                    inbox.post(.batchStatus(key: key, batch))
                    continue
                }
                guard await pause(interval, unlessCancelling: cancelSent ? nil : key) else { return }
                interval = min(longest, interval * 2)
                if let updated = try? await api.get(batch.id) {
                    batch = updated
                    inbox.post(.batchStatus(key: key, batch))
                }
                continue
            }
            if batch.failedValidation {
                inbox.post(.batchFailed(key: key, .http(status: 400, detail: batch.failure ?? "the batch failed validation"), validation: true)); return
            }
            do throws(EngineError) {
                let results = try await api.results(of: batch)
                inbox.post(.batchEnded(key: key, batch, results)); return
            } catch {
                guard await pause(interval) else { return }
            }
        }
    }

    /// A journalled batch: polled when its id is known; otherwise looked for at the provider by
    /// its key or file (OpenAI) or its custom_ids (Anthropic); its upload reused when no batch
    /// was made from it; its records freed when nothing of it reached the provider.
    private func resume(_ entry: BatchJournal.Entry, endpoint: Int, knownBatchIDs: Set<String>) async {
        guard let api = apis[endpoint] else { return }
        var attempt = 0
        while !Task.isCancelled {
            do throws(EngineError) {
                if let id = entry.batchID {
                    let batch = try await api.get(id)
                    inbox.post(.batchStatus(key: entry.key, batch))
                    return await watch(batch, key: entry.key, endpoint: endpoint, api: api)
                }
                let listed = try await api.list(since: entry.at - 300).filter { !knownBatchIDs.contains($0.id) }
                if let found = listed.first(where: { $0.key == entry.key || ($0.inputFileID != nil && $0.inputFileID == entry.fileID) }) {
                    try journal?.created(key: entry.key, batchID: found.id)
                    inbox.post(.batchStatus(key: entry.key, found))
                    return await watch(found, key: entry.key, endpoint: endpoint, api: api)
                }
                if let fileID = entry.fileID {
                    let batch = try await api.create(fileID: fileID, payload: [], key: entry.key)
                    try journal?.created(key: entry.key, batchID: batch.id)
                    inbox.post(.batchStatus(key: entry.key, batch))
                    return await watch(batch, key: entry.key, endpoint: endpoint, api: api)
                }
                if api is AnthropicBatchAPI, let batch = try await matchByCustomIDs(entry, among: listed, api: api) {
                    try journal?.created(key: entry.key, batchID: batch.object.id)
                    inbox.post(.batchEnded(key: entry.key, batch.object, batch.results)); return
                }
                inbox.post(.batchOrphaned(key: entry.key)); return
            } catch {
                attempt += 1
                guard await pause(min(60, Double(1 << min(attempt, 6)))) else { return }
            }
        }
    }

    /// Anthropic's batches carry no metadata: waits for those created since the entry to end and
    /// takes the one whose results name its custom_ids.
    private func matchByCustomIDs(_ entry: BatchJournal.Entry, among listed: [BatchObject], api: any BatchAPI) async throws(EngineError)
        -> (object: BatchObject, results: [BatchResult])? {
        let wanted = Set(entry.customIDs)
        for candidate in listed where candidate.createdAt.map({ $0 >= entry.at - 300 }) ?? true {
            var batch = candidate
            while !batch.hasEnded {
                guard await pause(settings.values.first?.pollInterval ?? 30) else { throw .cancelled }
                batch = try await api.get(batch.id)
            }
            let results = try await api.results(of: batch)
            if results.contains(where: { wanted.contains($0.customID) }) { return (batch, results) }
        }
        return nil
    }

    /// Sleeps `seconds` (waking early when a cancel of `key` is asked for); false once the task is cancelled.
    private func pause(_ seconds: Double, unlessCancelling key: String? = nil) async -> Bool {
        let end = clock.now.advanced(by: .nanoseconds(Int64(seconds * 1e9)))
        while clock.now < end {
            let step = min(Duration.milliseconds(100), clock.now.duration(to: end))
            do { try await clock.sleep(for: step) } catch { return false }
            if let key, cancels.withLock({ $0.contains(key) }) { return true }
        }
        return !Task.isCancelled
    }
}
