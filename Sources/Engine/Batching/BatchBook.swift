import DequeModule

/// The batch routes' records as the run core sees them: the batches filling, those open at the
/// provider, and what their results mean. A plain value with `now` passed in.
struct BatchBook: Sendable {
    /// A record in a batch, with what the run remembers of it.
    struct Member: Sendable {
        var record: RequestRecord
        var customID: String
        /// Earlier attempts that counted against `--max_attempts` (a batch that did not run one is none).
        var attempts = 0
        /// US dollars held against `--max_cost` for it, and its prompt's bound.
        var reserved = 0.0
        var promptBound = 0
        /// What its earlier tries cost.
        var spent: Double? = 0
    }

    /// A batch ready to go: what the worker journals, uploads and creates.
    struct Submission: Sendable {
        var key: String
        var endpoint: Int
        var payload: [UInt8]
        /// Each member's id, line and custom_id, for the journal.
        var members: [(id: String, line: Int, customID: String)]
    }

    struct Filling: Sendable {
        var key: String
        var members: [Member] = []
        var items: [[UInt8]] = []
        var bytes = 0
        var openedAt: Double
    }

    /// A batch handed to its worker: until its results are in.
    struct Open: Sendable {
        var endpoint: Int
        var members: [String: Member]
        var submittedAt: Double
        var object: BatchObject?
        var cancelAsked = false
        /// Its unfinished records go to real-time endpoints only (cancelled by `b` or the deadline).
        var realtimeOnly = false
        /// It holds the records of a batch that failed validation: failing again, they fail.
        var isSecondTry = false
        /// Found in the journal: its members arrive as the input is read again.
        var recovered = false
    }

    let endpoints: [EndpointConfiguration]
    private let keyPrefix: String
    private var counter = 0
    /// Filling batches by endpoint and model (one model per OpenAI file).
    private(set) var fillings: [FillKey: Filling] = [:]
    private(set) var open: [String: Open] = [:]
    /// Batches that ended in the last minute, for the screen.
    private(set) var ended: [(endpoint: Int, object: BatchObject, at: Double)] = []
    /// Recovered batches' results that arrived before their records were read again, by custom_id.
    private(set) var pendingResults: [String: Pending] = [:]
    /// Lines held by recovered batches (line → key and endpoint).
    private(set) var held: [Int: (key: String, endpoint: Int)] = [:]

    /// A result of a recovered batch whose record has not been read again yet.
    struct Pending: Sendable {
        var endpoint: Int
        var batchID: String?
        var outcome: BatchResult.Outcome
    }

    struct FillKey: Hashable, Sendable {
        var endpoint: Int
        var model: String
    }

    init(endpoints: [EndpointConfiguration], keyPrefix: String) {
        self.endpoints = endpoints
        self.keyPrefix = keyPrefix
    }

    var isIdle: Bool { fillings.isEmpty && open.isEmpty }

    /// Records in batches (filling or open) at `endpoint`: its in flight on the screen.
    func count(at endpoint: Int) -> Int {
        fillings.filter { $0.key.endpoint == endpoint }.values.reduce(0) { $0 + $1.members.count }
            + open.values.filter { $0.endpoint == endpoint }.reduce(0) { $0 + max($1.members.count, $1.object?.total ?? 0) }
    }

    /// Batches open or filling at `endpoint`.
    func openCount(at endpoint: Int) -> Int {
        open.values.count { $0.endpoint == endpoint } + fillings.keys.count { $0.endpoint == endpoint }
    }

    /// Whether a record for `model` can join a batch at `endpoint` now.
    func accepts(_ model: String, at endpoint: Int) -> Bool {
        guard let settings = endpoints[endpoint].batch else { return false }
        if fillings[FillKey(endpoint: endpoint, model: model)] != nil { return true }
        return openCount(at: endpoint) < settings.maxOpenBatches
    }

    /// The model key a record fills under: its model at an OpenAI route (one model per file), "" at Anthropic's.
    func fillModel(of record: RequestRecord, at endpoint: Int) -> String {
        guard endpoints[endpoint].dialect == .openAI else { return "" }
        return endpoints[endpoint].model ?? record.body["model"]?.stringValue ?? ""
    }

    /// Adds `member` (its item already encoded) to a filling batch; returns the batch when that filled it.
    mutating func add(_ member: Member, item: [UInt8], at endpoint: Int, now: Double) -> Submission? {
        let settings = endpoints[endpoint].batch!
        let fill = FillKey(endpoint: endpoint, model: fillModel(of: member.record, at: endpoint))
        var sealed: Submission?
        // A batch the item would push past its byte limit goes first.
        if let filling = fillings[fill], filling.bytes + item.count + 1 > settings.maxBytes, !filling.members.isEmpty {
            sealed = seal(fill, now: now)
        }
        if fillings[fill] == nil {
            counter += 1
            fillings[fill] = Filling(key: "\(keyPrefix)-\(counter)", openedAt: now)
        }
        fillings[fill]!.members.append(member)
        fillings[fill]!.items.append(item)
        fillings[fill]!.bytes += item.count + 1
        if sealed == nil, fillings[fill]!.members.count >= settings.maxRequests { sealed = seal(fill, now: now) }
        return sealed
    }

    /// Batches whose fill time has passed (all of them once `inputEnded`), sealed.
    mutating func due(now: Double, inputEnded: Bool) -> [Submission] {
        let keys = fillings.filter { inputEnded || $0.value.openedAt + endpoints[$0.key.endpoint].batch!.fillSeconds <= now }.keys
        return keys.sorted { fillings[$0]!.key < fillings[$1]!.key }.compactMap { seal($0, now: now) }
    }

    /// When the next filling batch is due to go (nil: none is filling).
    var nextFillDeadline: Double? {
        fillings.map { $0.value.openedAt + endpoints[$0.key.endpoint].batch!.fillSeconds }.min()
    }

    /// Makes a filling batch open and its submission.
    private mutating func seal(_ fill: FillKey, now: Double, secondTry: Bool = false) -> Submission? {
        guard let filling = fillings.removeValue(forKey: fill), !filling.members.isEmpty else { return nil }
        var members: [String: Member] = [:]
        for member in filling.members { members[member.customID] = member }
        open[filling.key] = Open(endpoint: fill.endpoint, members: members, submittedAt: now, isSecondTry: secondTry)
        return Submission(key: filling.key, endpoint: fill.endpoint, payload: BatchPayload.assemble(filling.items, dialect: endpoints[fill.endpoint].dialect),
                          members: filling.members.map { ($0.record.id, $0.record.line, $0.customID) })
    }

    /// A batch that failed validation: its records in one more batch (nil when it was already the second).
    mutating func retryAsOne(_ key: String, now: Double) -> Submission? {
        guard let batch = open[key], !batch.isSecondTry else { return nil }
        open.removeValue(forKey: key)
        counter += 1
        let members = batch.members.values.sorted { $0.record.line < $1.record.line }
        var items: [[UInt8]] = []
        for member in members {
            guard let item = try? BatchPayload.item(for: member.record, customID: member.customID, endpoint: endpoints[batch.endpoint]) else { continue }
            items.append(item)
        }
        let fill = FillKey(endpoint: batch.endpoint, model: "retry-\(counter)")
        fillings[fill] = Filling(key: "\(keyPrefix)-\(counter)", members: members, items: items, bytes: 0, openedAt: now)
        return seal(fill, now: now, secondTry: true)
    }

    /// The provider said how a batch stands.
    mutating func update(_ key: String, _ object: BatchObject) {
        open[key]?.object = object
    }

    /// Closes a batch: its members, each with its result (nil: none came, so it did not run).
    mutating func close(_ key: String, results: [BatchResult], now: Double) -> (batch: Open, outcomes: [(Member, BatchResult.Outcome?)])? {
        guard let batch = open.removeValue(forKey: key) else { return nil }
        if let object = batch.object { ended.append((batch.endpoint, object, now)) }
        ended.removeAll { now - $0.at > 60 }
        var byID: [String: BatchResult.Outcome] = [:]
        for result in results { byID[result.customID] = result.outcome }
        let outcomes = batch.members.values.sorted { $0.record.line < $1.record.line }.map { ($0, byID.removeValue(forKey: $0.customID)) }
        if batch.recovered {
            // Records of a recovered batch not read yet: their results wait for them.
            for (id, outcome) in byID where pendingResults.count < 10_000_000 {
                pendingResults[id] = Pending(endpoint: batch.endpoint, batchID: batch.object?.id, outcome: outcome)
            }
        }
        return (batch, outcomes)
    }

    /// Marks the open batches of `endpoint` (every batch route's when nil) for cancelling; their
    /// unfinished records go to real-time endpoints. Returns the keys to cancel.
    mutating func cancel(endpoint: Int?) -> [String] {
        var keys: [String] = []
        for (key, batch) in open where endpoint == nil || batch.endpoint == endpoint {
            guard !batch.cancelAsked else { continue }
            open[key]!.cancelAsked = true
            open[key]!.realtimeOnly = true
            keys.append(key)
        }
        return keys.sorted()
    }

    /// The filling batches of `endpoint` (every route's when nil), emptied: their records, unsent.
    mutating func takeFilling(endpoint: Int?) -> [Member] {
        let keys = fillings.keys.filter { endpoint == nil || $0.endpoint == endpoint }
        return keys.flatMap { fillings.removeValue(forKey: $0)?.members ?? [] }
    }

    /// A batch recovered from the journal, open again: its members join as the input is read.
    mutating func recover(key: String, endpoint: Int, lines: [Int], now: Double) {
        open[key] = Open(endpoint: endpoint, members: [:], submittedAt: now, recovered: true)
        for line in lines { held[line] = (key, endpoint) }
    }

    /// A recovered batch nothing of which reached the provider: its records are free again
    /// (returned: those read already; the rest are sent as they are read).
    mutating func forget(_ key: String) -> [RequestRecord] {
        held = held.filter { $0.value.key != key }
        return open.removeValue(forKey: key)?.members.values.map(\.record).sorted { $0.line < $1.line } ?? []
    }

    /// What became of a record read again that a recovered batch holds.
    enum Rejoined {
        /// Not held: route it as any other.
        case notHeld
        /// It joined its open batch.
        case waiting
        /// Its batch ended: its result (none: it did not run).
        case ended(Pending?)
    }

    /// A record read again: joins the recovered batch that holds it, or gets that batch's result.
    mutating func rejoin(_ record: RequestRecord) -> Rejoined {
        guard let (key, endpoint) = held.removeValue(forKey: record.line) else { return .notHeld }
        let customID = BatchCustomID.of(record, dialect: endpoints[endpoint].dialect)
        if let pending = pendingResults.removeValue(forKey: customID) { return .ended(pending) }
        guard open[key] != nil else { return .ended(nil) }
        open[key]!.members[customID] = Member(record: record, customID: customID)
        return .waiting
    }

    /// What the screen shows: each endpoint's open batches and those ended in the last minute.
    func views(now: Double) -> [Int: [BatchView]] {
        var views: [Int: [BatchView]] = [:]
        for (key, batch) in open.sorted(by: { ($0.value.submittedAt, $0.key) < ($1.value.submittedAt, $1.key) }) {
            let total = batch.object?.total ?? batch.members.count
            views[batch.endpoint, default: []].append(BatchView(id: batch.object?.id ?? key, status: batch.object?.status ?? "submitting", total: total,
                                                                completed: batch.object?.completed ?? 0, failed: batch.object?.failed ?? 0,
                                                                createdAt: batch.object?.createdAt, expiresAt: batch.object?.expiresAt))
        }
        // The most recently ended first: the screen shows the first few.
        for item in ended.reversed() where now - item.at <= 60 {
            let object = item.object
            views[item.endpoint, default: []].append(BatchView(id: object.id, status: object.status, total: object.total, completed: object.completed,
                                                               failed: object.failed, createdAt: object.createdAt, expiresAt: object.expiresAt))
        }
        return views
    }
}
