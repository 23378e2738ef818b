import Testing
@testable import Engine

@Suite struct BatchDeadlineTests {
    static func book(total: Int, done: Int, createdAt: Double?) -> BatchBook {
        var endpoint = EndpointConfiguration(url: EndpointURL("http://127.0.0.1:1/v1")!)
        endpoint.batch = BatchSettings(dialect: .openAI)
        var book = BatchBook(endpoints: [endpoint], keyPrefix: "k")
        let record = RequestRecord(id: "r", line: 1, form: .chat, input: .null, body: .object([JSONField("messages", [])]))
        _ = book.add(BatchBook.Member(record: record, customID: "r"), item: [0x7B, 0x7D], at: 0, now: 0)
        let sealed = book.due(now: 0, inputEnded: true)
        var object = BatchObject(id: "batch_1", status: "in_progress")
        object.total = total
        object.completed = done
        object.createdAt = createdAt
        book.update(sealed[0].key, object)
        return book
    }

    /// The margin is three polls plus 10 s, at most a fifth of the time to the deadline.
    @Test func marginIsBounded() {
        var endpoint = EndpointConfiguration(url: EndpointURL("http://127.0.0.1:1/v1")!)
        endpoint.batch = BatchSettings(dialect: .openAI)
        #expect(BatchDeadline(deadline: 3600, start: 0, endpoints: [endpoint]).margin == 100)
        #expect(BatchDeadline(deadline: 100, start: 0, endpoints: [endpoint]).margin == 20)
    }

    /// A batch projected to end in time is left alone; one projected late is cancelled when the
    /// real-time endpoints need the time left; before any progress, nothing is projected.
    @Test func cancelsOnlyWhenItMust() {
        var endpoint = EndpointConfiguration(url: EndpointURL("http://127.0.0.1:1/v1")!)
        endpoint.batch = BatchSettings(dialect: .openAI)
        // 1,000 requests, 500 done in the 100 s since creation: 100 s more.
        var policy = BatchDeadline(deadline: 1000, start: 0, endpoints: [endpoint])
        let d1 = policy.decide(now: 100, book: Self.book(total: 1000, done: 500, createdAt: 0), wallStart: 0, realtimeRate: 10, unfinishedRealtime: 0)
        #expect(!d1)
        #expect(policy.projectedEnd == 200 && policy.allowsBatch(at: 0, now: 100))
        // 10 done in 100 s: 9,900 s more, past the deadline. At 10/s the real-time endpoints need 99 s.
        var late = BatchDeadline(deadline: 1000, start: 0, endpoints: [endpoint])
        let slow = Self.book(total: 1000, done: 10, createdAt: 0)
        let d2 = late.decide(now: 100, book: slow, wallStart: 0, realtimeRate: 10, unfinishedRealtime: 0)
        #expect(!d2, "plenty of time left")
        #expect(!late.allowsBatch(at: 0, now: 100), "no more records for a route that will not make it")
        let d3 = late.decide(now: 700, book: slow, wallStart: 0, realtimeRate: 10, unfinishedRealtime: 0)
        #expect(!d3, "300 s left > 99 s + 100 s margin")
        let d4 = late.decide(now: 850, book: slow, wallStart: 0, realtimeRate: 10, unfinishedRealtime: 0)
        #expect(d4, "150 s left ≤ 99 s + 100 s margin")
        let d5 = late.decide(now: 860, book: slow, wallStart: 0, realtimeRate: 10, unfinishedRealtime: 0)
        #expect(!d5, "cancelled once")
        var unknown = BatchDeadline(deadline: 1000, start: 0, endpoints: [endpoint])
        let d6 = unknown.decide(now: 10, book: Self.book(total: 1000, done: 0, createdAt: 0), wallStart: 0, realtimeRate: 10, unfinishedRealtime: 0)
        #expect(!d6)
        #expect(unknown.projectedEnd == nil && unknown.allowsBatch(at: 0, now: 10))
    }
}
