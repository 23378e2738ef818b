import Testing
@testable import Engine

@Suite struct BatchBookTests {
    static func endpoint(_ settings: (inout BatchSettings) -> Void = { _ in }, dialect: APIDialect = .openAI) -> EndpointConfiguration {
        var endpoint = EndpointConfiguration(url: EndpointURL("http://127.0.0.1:1/v1")!)
        endpoint.dialect = dialect
        var batch = BatchSettings(dialect: dialect)
        settings(&batch)
        endpoint.batch = batch
        return endpoint
    }

    static func member(_ line: Int, model: String = "m") -> (BatchBook.Member, [UInt8]) {
        let record = RequestRecord(id: "r\(line)", line: line, form: .chat, input: .null,
                                   body: .object([JSONField("model", .string(model)), JSONField("messages", [])]))
        let item = try! BatchPayload.item(for: record, customID: record.id, endpoint: endpoint())
        return (BatchBook.Member(record: record, customID: record.id), item)
    }

    /// A batch goes once it holds batch_max_requests; the next record opens another.
    @Test func sealsAtTheRequestLimit() {
        var book = BatchBook(endpoints: [Self.endpoint { $0.maxRequests = 3 }], keyPrefix: "k")
        var sealed: [BatchBook.Submission] = []
        for line in 1...7 {
            let (member, item) = Self.member(line)
            if let batch = book.add(member, item: item, at: 0, now: 0) { sealed.append(batch) }
        }
        #expect(sealed.map(\.members.count) == [3, 3])
        #expect(book.count(at: 0) == 7 && book.openCount(at: 0) == 3)
        #expect(BatchHTTP.lines(sealed[0].payload).count == 3, "an OpenAI batch is one JSONL line per request")
    }

    /// The byte limit seals the batch before the item that would pass it.
    @Test func sealsBeforeTheByteLimit() {
        let (_, item) = Self.member(1)
        var book = BatchBook(endpoints: [Self.endpoint { $0.maxBytes = 2 * (item.count + 1) + 1 }], keyPrefix: "k")
        var sealed: [BatchBook.Submission] = []
        for line in 1...5 {
            let (member, item) = Self.member(line)
            if let batch = book.add(member, item: item, at: 0, now: 0) { sealed.append(batch) }
        }
        #expect(sealed.map(\.members.count) == [2, 2])
        #expect(sealed.allSatisfy { $0.payload.count <= 2 * (item.count + 1) + 1 })
    }

    /// One model per OpenAI file; Anthropic batches mix models.
    @Test func oneModelPerOpenAIFile() {
        var book = BatchBook(endpoints: [Self.endpoint(), Self.endpoint(dialect: .anthropic)], keyPrefix: "k")
        for (line, model) in [(1, "a"), (2, "b"), (3, "a")] {
            let (member, item) = Self.member(line, model: model)
            _ = book.add(member, item: item, at: 0, now: 0)
            _ = book.add(member, item: item, at: 1, now: 0)
        }
        let sealed = book.due(now: 0, inputEnded: true)
        #expect(sealed.filter { $0.endpoint == 0 }.map(\.members.count).sorted() == [1, 2])
        #expect(sealed.filter { $0.endpoint == 1 }.map(\.members.count) == [3])
    }

    /// A part-full batch waits batch_fill_seconds, then goes; max_open_batches stops more records.
    @Test func fillTimeAndOpenLimit() {
        var book = BatchBook(endpoints: [Self.endpoint { $0.fillSeconds = 10; $0.maxOpenBatches = 1 }], keyPrefix: "k")
        let (member, item) = Self.member(1)
        _ = book.add(member, item: item, at: 0, now: 5)
        #expect(book.nextFillDeadline == 15 && book.due(now: 14, inputEnded: false).isEmpty)
        let sealed = book.due(now: 15, inputEnded: false)
        #expect(sealed.count == 1 && !book.accepts("m", at: 0))
        let closed = book.close(sealed[0].key, results: [], now: 20)
        #expect(closed?.outcomes.count == 1 && closed?.outcomes[0].1 == nil, "no result: it did not run")
        #expect(book.accepts("m", at: 0) && book.isIdle)
    }

    /// A recovered batch's result that comes before its record is read waits for it.
    @Test func recoveredResultsWaitForTheirRecords() {
        var book = BatchBook(endpoints: [Self.endpoint()], keyPrefix: "k")
        book.recover(key: "old", endpoint: 0, lines: [1, 2], now: 0)
        let (first, _) = Self.member(1)
        guard case .waiting = book.rejoin(first.record) else { Issue.record("line 1 joins its batch"); return }
        let answer = ParsedAnswer(response: "hi")
        let closed = book.close("old", results: [BatchResult(customID: "r1", outcome: .answered(answer)),
                                                BatchResult(customID: "r2", outcome: .answered(answer))], now: 1)
        #expect(closed?.outcomes.count == 1)
        let (second, _) = Self.member(2)
        guard case .ended(let pending?) = book.rejoin(second.record), case .answered = pending.outcome else {
            Issue.record("line 2 gets the result that waited for it"); return
        }
        let (third, _) = Self.member(3)
        guard case .notHeld = book.rejoin(third.record) else { Issue.record("line 3 was never in a batch"); return }
    }
}
