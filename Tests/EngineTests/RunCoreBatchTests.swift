import Testing
@testable import Engine

/// The run core with a batch route, on chosen times: the split, the sealing, the results, the resends.
@Suite struct RunCoreBatchTests {
    static func core(realtime: Bool = true, fill: Double = 5, maxRequests: Int = 100, recovery: [(BatchJournal.Entry, Int)] = []) -> RunCore {
        var batch = EndpointConfiguration(name: "bat", url: EndpointURL("http://h:2/v1")!)
        var settings = BatchSettings(dialect: .openAI)
        settings.fillSeconds = fill
        settings.maxRequests = maxRequests
        batch.batch = settings
        let endpoints = (realtime ? [EndpointConfiguration(name: "rt", url: EndpointURL("http://h:1/v1")!)] : []) + [batch]
        var configuration = EngineConfiguration(endpoints: endpoints, rate: 0, maxInFlight: 1000, retryPolicy: RetryPolicy(maxAttempts: 2))
        configuration.batchRecovery = recovery.map { ($0.0, $0.1) }
        return RunCore(configuration: configuration, seed: 1)
    }

    static func items(_ count: Int, from line: Int = 1) -> [SourceItem] {
        (0..<count).map { InputLine.classify(Array(#"{"id":"r\#(line + $0)","messages":[{"role":"user","content":"x"}]}"#.utf8), line: line + $0,
                                             defaults: RequestDefaults()) }
    }

    static func submissions(_ actions: [RunCore.Action]) -> [BatchBook.Submission] {
        actions.compactMap { if case .submitBatch(let submission) = $0 { submission } else { nil } }
    }

    /// Weights 1:1 send every other record to the batch route; the batch goes when full, the rest
    /// when the fill time passes; the real-time half is sent at once.
    @Test func splitsByWeightAndSealsOnTimeOrSize() {
        var core = Self.core(maxRequests: 4)
        var actions: [RunCore.Action] = []
        core.start(now: 0, into: &actions)
        actions.removeAll()
        core.handle(.itemsRead(Self.items(10)), now: 0, into: &actions)
        let sent = RunCoreTests.sends(actions)
        let full = Self.submissions(actions)
        #expect(sent.count == 5 && sent.allSatisfy { $0.endpoint == 0 })
        #expect(full.count == 1 && full[0].members.count == 4)
        actions.removeAll()
        core.handle(.timerFired, now: 5, into: &actions)
        #expect(Self.submissions(actions).map(\.members.count) == [1], "the part-full batch goes after batch_fill_seconds")
        let views = core.batches.views(now: 5)[1] ?? []
        #expect(views.count == 2 && core.batches.count(at: 1) == 5)
    }

    /// Results are written once each, marked with the batch; a not-run record goes again; the run
    /// finishes only when the batches are done.
    @Test func writesResultsAndResendsTheUnrun() throws {
        var core = Self.core(realtime: false, fill: 0)
        var actions: [RunCore.Action] = []
        core.start(now: 0, into: &actions)
        core.handle(.itemsRead(Self.items(2)), now: 0, into: &actions)
        core.handle(.itemsRead([]), now: 0, into: &actions)
        let batch = try #require(Self.submissions(actions).first)
        #expect(batch.members.map(\.customID) == ["r1", "r2"] && !core.isFinished)
        actions.removeAll()
        var object = BatchObject(id: "batch_1", status: "expired")
        object.total = 2
        core.handle(.batchEnded(key: batch.key, object, [BatchResult(customID: "r1", outcome: .answered(ParsedAnswer(response: "A"))),
                                                        BatchResult(customID: "r2", outcome: .notRun("batch_expired"))]), now: 1, into: &actions)
        let writes = RunCoreTests.writes(actions)
        #expect(writes.count == 1 && writes[0].0["id"] == "r1" && writes[0].0["route"] == "batch" && writes[0].0["batch_id"] == "batch_1")
        #expect(actions.contains { if case .batchDone(batch.key) = $0 { true } else { false } })
        let again = try #require(Self.submissions(actions).first, "the expired record goes in a new batch")
        #expect(again.members.map(\.customID) == ["r2"] && !core.isFinished)
        actions.removeAll()
        core.handle(.batchEnded(key: again.key, BatchObject(id: "batch_2", status: "completed"),
                                [BatchResult(customID: "r2", outcome: .answered(ParsedAnswer(response: "B")))]), now: 2, into: &actions)
        #expect(RunCoreTests.writes(actions).map { $0.0["id"] } == ["r2"] && core.isFinished)
    }

    /// A record a journalled batch holds is not sent again when read: it waits for that batch's result.
    @Test func recoveredRecordsWaitForTheirBatch() {
        let entry = BatchJournal.Entry(key: "old", endpoint: "bat", at: 0, lines: [1, 2], customIDs: ["r1", "r2"], fileID: nil, batchID: "batch_9")
        var core = Self.core(recovery: [(entry, 1)])
        var actions: [RunCore.Action] = []
        core.start(now: 0, into: &actions)
        actions.removeAll()
        core.handle(.itemsRead(Self.items(3)), now: 0, into: &actions)
        core.handle(.itemsRead([]), now: 0, into: &actions)
        let sent = RunCoreTests.sends(actions).map(\.attempt.record.id) + Self.submissions(actions).flatMap { $0.members.map(\.id) }
        #expect(sent == ["r3"], "only the record no batch holds goes")
        actions.removeAll()
        core.handle(.batchEnded(key: "old", BatchObject(id: "batch_9", status: "completed"),
                                [BatchResult(customID: "r1", outcome: .answered(ParsedAnswer(response: "A"))),
                                 BatchResult(customID: "r2", outcome: .failed(.http(status: 400, detail: "bad")))]), now: 1, into: &actions)
        let writes = RunCoreTests.writes(actions)
        #expect(writes.map { $0.0["id"] } == ["r1", "r2"] && writes.map(\.1) == [true, false])
    }

    /// `unbatch` cancels the open batches and sends what they had not run to the real-time endpoint.
    @Test func unbatchSendsTheRestRealtime() throws {
        var core = Self.core(fill: 0)
        var actions: [RunCore.Action] = []
        core.start(now: 0, into: &actions)
        core.handle(.itemsRead(Self.items(4)), now: 0, into: &actions)
        core.handle(.timerFired, now: 0.1, into: &actions)
        let batch = try #require(Self.submissions(actions).first)
        actions.removeAll()
        core.handle(.command(.unbatch(endpoint: 1)), now: 1, into: &actions)
        #expect(actions.contains { if case .cancelBatch(batch.key) = $0 { true } else { false } })
        actions.removeAll()
        core.handle(.batchEnded(key: batch.key, BatchObject(id: "batch_1", status: "cancelled"),
                                batch.members.map { BatchResult(customID: $0.customID, outcome: .notRun("batch_cancelled")) }), now: 2, into: &actions)
        #expect(RunCoreTests.sends(actions).allSatisfy { $0.endpoint == 0 } && RunCoreTests.sends(actions).count == batch.members.count)
        #expect(Self.submissions(actions).isEmpty)
    }

    /// A batch the provider refuses goes once more as one batch; refused again, each record is an errors line.
    @Test func refusedTwiceFailsEachRecord() throws {
        var core = Self.core(realtime: false, fill: 0)
        var actions: [RunCore.Action] = []
        core.start(now: 0, into: &actions)
        core.handle(.itemsRead(Self.items(2)), now: 0, into: &actions)
        core.handle(.itemsRead([]), now: 0, into: &actions)
        let first = try #require(Self.submissions(actions).first)
        actions.removeAll()
        core.handle(.batchFailed(key: first.key, .http(status: 400, detail: "invalid file"), validation: true), now: 1, into: &actions)
        let second = try #require(Self.submissions(actions).first)
        #expect(second.key != first.key && second.members.map(\.customID) == ["r1", "r2"] && RunCoreTests.writes(actions).isEmpty)
        actions.removeAll()
        core.handle(.batchFailed(key: second.key, .http(status: 400, detail: "invalid file"), validation: true), now: 2, into: &actions)
        let writes = RunCoreTests.writes(actions)
        #expect(writes.count == 2 && writes.allSatisfy { !$0.1 && $0.0["error"]?.stringValue?.contains("invalid file") == true && $0.0["status"] == 400 })
        #expect(core.isFinished)
    }

    /// Under --max_cost a batch-only run stops packing when the next worst case does not fit, and
    /// still waits for the batch already open (its answers were paid for).
    @Test func spendCapStopsPackingAndWaitsForOpenBatches() throws {
        var batch = EndpointConfiguration(name: "bat", url: EndpointURL("http://h:2/v1")!)
        var settings = BatchSettings(dialect: .openAI)
        settings.fillSeconds = 0
        settings.maxRequests = 1
        batch.batch = settings
        batch.price = ModelPrice(input: 1e-3, output: 1e-3)
        var configuration = EngineConfiguration(endpoints: [batch], rate: 0, maxInFlight: 10, retryPolicy: RetryPolicy(maxAttempts: 1))
        configuration.cost.cap = 0.09
        configuration.cost.defaultMaxTokens = 100
        var core = RunCore(configuration: configuration, seed: 1)
        var actions: [RunCore.Action] = []
        core.start(now: 0, into: &actions)
        core.handle(.itemsRead(Self.items(3)), now: 0, into: &actions)
        let sealed = Self.submissions(actions)
        #expect(sealed.count == 1, "one worst case (100 tokens and the prompt at half of $0.001) fits under $0.09, two do not")
        #expect(!core.isFinished, "the open batch is waited for")
        actions.removeAll()
        core.handle(.batchEnded(key: sealed[0].key, BatchObject(id: "b1", status: "completed"),
                                [BatchResult(customID: sealed[0].members[0].customID, outcome: .answered(ParsedAnswer(response: "A")))]), now: 1, into: &actions)
        #expect(RunCoreTests.writes(actions).count == 1 && core.isFinished)
        #expect(core.scheduler.spending.stop == .cap)
    }
}
