import Foundation
import Synchronization
import Testing
import TestSupport
@testable import Engine

/// A provider's batch API in memory: batches end after `pollsToEnd` gets; every call is recorded.
final class FakeBatchAPI: BatchAPI {
    struct State {
        var calls: [String] = []
        var batches: [String: BatchObject] = [:]
        var gets: [String: Int] = [:]
        var createFailure: EngineError?
    }

    let state = Mutex(State())
    let pollsToEnd: Int

    init(pollsToEnd: Int = 2, existing: [BatchObject] = []) {
        self.pollsToEnd = pollsToEnd
        state.withLock { state in for batch in existing { state.batches[batch.id] = batch } }
    }

    var calls: [String] { state.withLock { $0.calls } }

    func upload(_ payload: [UInt8], name: String) async throws(EngineError) -> String? {
        state.withLock { $0.calls.append("upload") }
        return "file-1"
    }

    func create(fileID: String?, payload: [UInt8], key: String) async throws(EngineError) -> BatchObject {
        let result: Result<BatchObject, EngineError> = state.withLock { state in
            state.calls.append("create \(fileID ?? "-")")
            if let failure = state.createFailure { return .failure(failure) }
            var batch = BatchObject(id: "batch_\(state.batches.count + 1)", status: "validating")
            batch.key = key
            batch.inputFileID = fileID
            batch.total = 2
            state.batches[batch.id] = batch
            return .success(batch)
        }
        return try result.get()
    }

    func get(_ id: String) async throws(EngineError) -> BatchObject {
        let batch = state.withLock { state -> BatchObject? in
            state.calls.append("get \(id)")
            state.gets[id, default: 0] += 1
            guard var batch = state.batches[id] else { return nil }
            if !batch.hasEnded { batch.status = state.gets[id]! >= pollsToEnd ? "completed" : "in_progress" }
            state.batches[id] = batch
            return batch
        }
        guard let batch else { throw .http(status: 404, detail: "no such batch") }
        return batch
    }

    func cancel(_ id: String) async throws(EngineError) -> BatchObject {
        state.withLock { state in
            state.calls.append("cancel \(id)")
            state.batches[id]?.status = "cancelled"
            return state.batches[id]!
        }
    }

    func list(since: Double) async throws(EngineError) -> [BatchObject] {
        state.withLock { state in
            state.calls.append("list")
            return Array(state.batches.values)
        }
    }

    func results(of batch: BatchObject) async throws(EngineError) -> [BatchResult] {
        state.withLock { $0.calls.append("results \(batch.id)") }
        let answer = ParsedAnswer(response: "hi")
        return batch.status == "cancelled" ? [BatchResult(customID: "a", outcome: .answered(answer)), BatchResult(customID: "b", outcome: .notRun("batch_cancelled"))]
            : [BatchResult(customID: "a", outcome: .answered(answer)), BatchResult(customID: "b", outcome: .answered(answer))]
    }

    func deleteFile(_ id: String) async { state.withLock { $0.calls.append("delete \(id)") } }
}

@Suite struct BatchWorkerTests {
    static func endpoints() -> [EndpointConfiguration] {
        var endpoint = EndpointConfiguration(name: "bat", url: EndpointURL("http://127.0.0.1:1/v1")!)
        var settings = BatchSettings(dialect: .openAI)
        settings.pollInterval = 1
        endpoint.batch = settings
        return [endpoint]
    }

    static func submission() -> BatchBook.Submission {
        BatchBook.Submission(key: "k1", endpoint: 0, payload: Array("{}\n{}\n".utf8), members: [("a", 1, "a"), ("b", 2, "b")])
    }

    /// Takes the inbox's events until `done` says so, moving the manual clock on between takes.
    static func events(_ inbox: RunnerInbox, clock: ManualClock, until done: @escaping @Sendable ([RunCore.Event]) -> Bool) async -> [RunCore.Event] {
        let seen = Mutex<[RunCore.Event]>([])
        let reader = Task {
            while !Task.isCancelled {
                let taken = await inbox.take().map(\.event)
                seen.withLock { $0 += taken }
                if taken.isEmpty { return }
            }
        }
        _ = await clock.advance(by: .milliseconds(100), until: { done(seen.withLock { $0 }) }, limit: .seconds(120))
        inbox.close()
        reader.cancel()
        return seen.withLock { $0 }
    }

    static func path() -> String { NSTemporaryDirectory() + "worker-\(UInt64.random(in: 0 ... .max)).batches" }

    static func ended(_ events: [RunCore.Event]) -> (key: String, BatchObject, [BatchResult])? {
        for event in events { if case .batchEnded(let key, let object, let results) = event { return (key, object, results) } }
        return nil
    }

    /// A submission is journalled packed, uploaded and created, polled to its end, and its results posted.
    @Test func carriesABatchThroughEveryStep() async throws {
        let path = Self.path()
        defer { unlink(path) }
        let api = FakeBatchAPI(pollsToEnd: 3)
        let inbox = RunnerInbox()
        let clock = ManualClock()
        let worker = BatchWorker(apis: [0: api], endpoints: Self.endpoints(), journal: try BatchJournal(path: path), inbox: inbox, clock: clock, wallClock: { 1000 })
        worker.submit(Self.submission())
        let events = await Self.events(inbox, clock: clock) { Self.ended($0) != nil }
        let ended = try #require(Self.ended(events))
        #expect(ended.key == "k1" && ended.1.status == "completed" && ended.2.count == 2)
        #expect(api.calls.filter { $0.hasPrefix("create") } == ["create file-1"] && api.calls.filter { $0.hasPrefix("get") }.count == 3)
        let entry = try #require(BatchJournal.unfinished(at: path).first)
        #expect(entry.fileID == "file-1" && entry.batchID == "batch_1" && entry.lines == [1, 2] && entry.customIDs == ["a", "b"])
        worker.finished("k1")
        #expect(BatchJournal.unfinished(at: path).isEmpty)
    }

    /// Recovery: a known batch id is polled, not created again.
    @Test func recoversByBatchID() async throws {
        var open = BatchObject(id: "batch_7", status: "in_progress")
        open.total = 2
        let api = FakeBatchAPI(existing: [open])
        let inbox = RunnerInbox()
        let clock = ManualClock()
        let worker = BatchWorker(apis: [0: api], endpoints: Self.endpoints(), journal: nil, inbox: inbox, clock: clock, wallClock: { 1000 })
        let entry = BatchJournal.Entry(key: "old", endpoint: "bat", at: 900, lines: [1, 2], customIDs: ["a", "b"], fileID: "file-9", batchID: "batch_7")
        worker.recover(entry, endpoint: 0, knownBatchIDs: ["batch_7"])
        let events = await Self.events(inbox, clock: clock) { Self.ended($0) != nil }
        #expect(Self.ended(events)?.key == "old")
        #expect(!api.calls.contains { $0.hasPrefix("create") || $0 == "upload" })
    }

    /// Recovery: killed after the upload and create, before the id was journalled — the batch is
    /// found by its key (or its input file) and adopted; killed before create — the upload is reused.
    @Test func recoversAfterUploadWithoutID() async throws {
        var made = BatchObject(id: "batch_3", status: "in_progress")
        made.key = "old"
        made.inputFileID = "file-9"
        for existing in [[made], []] {
            let api = FakeBatchAPI(existing: existing)
            let inbox = RunnerInbox()
            let clock = ManualClock()
            let worker = BatchWorker(apis: [0: api], endpoints: Self.endpoints(), journal: nil, inbox: inbox, clock: clock, wallClock: { 1000 })
            worker.recover(BatchJournal.Entry(key: "old", endpoint: "bat", at: 900, lines: [1, 2], customIDs: ["a", "b"], fileID: "file-9", batchID: nil),
                           endpoint: 0, knownBatchIDs: [])
            let events = await Self.events(inbox, clock: clock) { Self.ended($0) != nil }
            #expect(Self.ended(events)?.key == "old")
            #expect(api.calls.filter { $0.hasPrefix("create") } == (existing.isEmpty ? ["create file-9"] : []), "\(api.calls)")
            #expect(!api.calls.contains("upload"))
        }
    }

    /// Recovery: killed before the upload was journalled — nothing reached a batch: its records are freed.
    @Test func freesRecordsOfAnEntryThatNeverUploaded() async throws {
        let api = FakeBatchAPI()
        let inbox = RunnerInbox()
        let clock = ManualClock()
        let worker = BatchWorker(apis: [0: api], endpoints: Self.endpoints(), journal: nil, inbox: inbox, clock: clock, wallClock: { 1000 })
        worker.recover(BatchJournal.Entry(key: "old", endpoint: "bat", at: 900, lines: [1], customIDs: ["a"], fileID: nil, batchID: nil),
                       endpoint: 0, knownBatchIDs: [])
        let events = await Self.events(inbox, clock: clock) { $0.contains { if case .batchOrphaned = $0 { true } else { false } } }
        #expect(events.contains { if case .batchOrphaned(let key) = $0 { key == "old" } else { false } })
        #expect(!api.calls.contains { $0.hasPrefix("create") })
    }

    /// A cancel asked for while the batch runs reaches the provider at once; the results still come.
    @Test func cancelsWhenAsked() async throws {
        let api = FakeBatchAPI(pollsToEnd: 1000)
        let inbox = RunnerInbox()
        let clock = ManualClock()
        let worker = BatchWorker(apis: [0: api], endpoints: Self.endpoints(), journal: nil, inbox: inbox, clock: clock, wallClock: { 1000 })
        worker.submit(Self.submission())
        worker.cancel("k1")
        let events = await Self.events(inbox, clock: clock) { Self.ended($0) != nil }
        let ended = try #require(Self.ended(events))
        #expect(ended.1.status == "cancelled" && api.calls.contains("cancel batch_1"))
    }

    /// A create the provider refuses (400) is a validation failure; the upload is deleted.
    @Test func refusedCreateIsAValidationFailure() async throws {
        let api = FakeBatchAPI()
        api.state.withLock { $0.createFailure = .http(status: 400, detail: "bad file") }
        let inbox = RunnerInbox()
        let clock = ManualClock()
        let worker = BatchWorker(apis: [0: api], endpoints: Self.endpoints(), journal: nil, inbox: inbox, clock: clock, wallClock: { 1000 })
        worker.submit(Self.submission())
        let events = await Self.events(inbox, clock: clock) { $0.contains { if case .batchFailed = $0 { true } else { false } } }
        #expect(events.contains { if case .batchFailed(_, _, let validation) = $0 { validation } else { false } })
        #expect(api.calls.contains("delete file-1"))
    }
}
