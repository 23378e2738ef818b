import Engine
import Synchronization

/// OpenAI's Files and Batches API and Anthropic's Message Batches, served by the mock with time
/// sped up: a batch validates for 50 ms, then runs one request every `secondsPerRequest` in a
/// shuffled order, so results come unordered; it expires after `expireAfter` seconds (nil:
/// never), and a cancel ends it with what it had done. Each run request is counted by custom_id.
final class MockBatches: Sendable {
    struct Batch: Sendable {
        var id: String
        var anthropic: Bool
        var created: Double
        var inputFileID: String?
        var metadata: JSONValue
        /// Requests in the order they run.
        var requests: [(customID: String, body: JSONValue)]
        var failure: String?
        var cancelledAt: Double?
        var ended: Double?
        var endStatus: String?
        var outputFileID: String?
        var errorFileID: String?
        /// How many requests had run when it ended.
        var ranAtEnd = 0
    }

    struct State {
        var files: [String: (bytes: [UInt8], filename: String, created: Double)] = [:]
        var batches: [String: Batch] = [:]
        var order: [String] = []
        var counter = 0
        var executions: [String: Int] = [:]
    }

    private let state = Mutex(State())
    let secondsPerRequest: Double
    let expireAfter: Double?
    /// Unix seconds now.
    let clock: @Sendable () -> Double

    init(secondsPerRequest: Double, expireAfter: Double?, clock: @escaping @Sendable () -> Double) {
        self.secondsPerRequest = secondsPerRequest
        self.expireAfter = expireAfter
        self.clock = clock
    }

    /// How many times each custom_id ran.
    var executions: [String: Int] { state.withLock { $0.executions } }

    func addFile(_ bytes: [UInt8], filename: String) -> JSONValue {
        let now = clock()
        let id = state.withLock { state in
            state.counter += 1
            let id = "file-mock\(state.counter)"
            state.files[id] = (bytes, filename, now)
            return id
        }
        return fileObject(id: id, bytes: bytes.count, filename: filename, created: now)
    }

    func fileObject(id: String, bytes: Int, filename: String, created: Double) -> JSONValue {
        .object([JSONField("id", .string(id)), JSONField("object", "file"), JSONField("bytes", .number(bytes)),
                 JSONField("created_at", .number(Int(created))), JSONField("filename", .string(filename)),
                 JSONField("purpose", "batch"), JSONField("status", "processed")])
    }

    func file(_ id: String) -> [UInt8]? { state.withLock { $0.files[id]?.bytes } }

    func deleteFile(_ id: String) -> Bool { state.withLock { $0.files.removeValue(forKey: id) != nil } }

    /// Creates an OpenAI batch from an uploaded file; nil when the file is not there.
    func createOpenAI(fileID: String, metadata: JSONValue) -> String? {
        guard let bytes = file(fileID) else { return nil }
        var requests: [(String, JSONValue)] = []
        var failure: String?
        var seen = Set<String>()
        var models = Set<String>()
        for line in bytes.split(separator: UInt8(ascii: "\n")) where !line.isEmpty {
            guard let json = try? JSONParser.parse(line), let id = json["custom_id"]?.stringValue, let body = json["body"], body.isObject else {
                failure = "a line of the input file is not a request {custom_id, method, url, body}"
                break
            }
            guard seen.insert(id).inserted else { failure = "the custom_id \(id) is used twice"; break }
            models.insert(body["model"]?.stringValue ?? "")
            requests.append((id, body))
        }
        if models.count > 1 { failure = "a batch input file may name one model only" }
        if requests.isEmpty { failure = failure ?? "the input file holds no request" }
        return add(Batch(id: "", anthropic: false, created: clock(), inputFileID: fileID, metadata: metadata, requests: requests.shuffled(), failure: failure))
    }

    /// Creates an Anthropic message batch: its id, or a message saying why the body is not one.
    func createAnthropic(body: JSONValue) -> (id: String?, problem: String?) {
        guard case .array(let items)? = body["requests"], !items.isEmpty else { return (nil, "requests: Field required") }
        var requests: [(String, JSONValue)] = []
        var seen = Set<String>()
        for item in items {
            guard let id = item["custom_id"]?.stringValue, BatchCustomID.fits(id, dialect: .anthropic) || id.hasPrefix(BatchCustomID.derivedPrefix),
                  let params = item["params"], params.isObject else {
                return (nil, "requests: each needs a custom_id of 1-64 characters [a-zA-Z0-9_-] and params")
            }
            guard seen.insert(id).inserted else { return (nil, "custom_id \(id) is not unique") }
            requests.append((id, params))
        }
        return (add(Batch(id: "", anthropic: true, created: clock(), metadata: .null, requests: requests.shuffled())), nil)
    }

    private func add(_ batch: Batch) -> String {
        state.withLock { state in
            state.counter += 1
            var batch = batch
            batch.id = (batch.anthropic ? "msgbatch_mock" : "batch_mock") + "\(state.counter)"
            state.batches[batch.id] = batch
            state.order.append(batch.id)
            return batch.id
        }
    }

    /// Asks for a batch's cancel; false when there is no such batch.
    func cancel(_ id: String) -> Bool {
        let now = clock()
        return state.withLock { state in
            guard state.batches[id] != nil else { return false }
            if state.batches[id]!.ended == nil, state.batches[id]!.cancelledAt == nil { state.batches[id]!.cancelledAt = now }
            return true
        }
    }

    /// The batch as it stands now (advancing it), or nil.
    func batch(_ id: String) -> Batch? {
        let now = clock()
        return state.withLock { state in
            guard state.batches[id] != nil else { return nil }
            advance(&state, id, now: now)
            return state.batches[id]
        }
    }

    /// Every batch of `anthropic`'s API, newest first.
    func list(anthropic: Bool) -> [Batch] {
        state.withLock { $0.order.reversed() }.compactMap { batch($0) }.filter { $0.anthropic == anthropic }
    }

    /// How many requests of `batch` have run by `now`.
    func ran(_ batch: Batch, now: Double) -> Int {
        if batch.ended != nil { return batch.ranAtEnd }
        let running = now - batch.created - 0.05
        guard running > 0, batch.failure == nil else { return 0 }
        return min(batch.requests.count, Int(running / max(secondsPerRequest, 1e-6)))
    }

    /// Ends the batch when it is done, expired or cancelled, writing its result files.
    private func advance(_ state: inout State, _ id: String, now: Double) {
        guard var batch = state.batches[id], batch.ended == nil else { return }
        let ran = ran(batch, now: now)
        var status: String?
        if batch.failure != nil { status = "failed" }
        else if batch.cancelledAt != nil { status = batch.anthropic ? "canceled" : "cancelled" }
        else if ran >= batch.requests.count { status = "completed" }
        else if let expireAfter, now - batch.created >= expireAfter { status = "expired" }
        guard let status else { return }
        batch.ended = now
        batch.endStatus = status
        batch.ranAtEnd = ran
        if status != "failed" { write(&batch, ran: ran, status: status, into: &state) }
        state.batches[id] = batch
    }
}
