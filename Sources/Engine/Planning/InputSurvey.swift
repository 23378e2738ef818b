/// A dry run's findings about an input file: what would be sent, what would be refused, and how
/// many tokens it comes to. Fed the same items, in the same order, as a run's filter sees them.
public struct InputSurvey: Sendable {
    /// Bad lines and duplicates kept as examples (the counts go on).
    public static let exampleLimit = 20

    /// Records that would be sent.
    public private(set) var records = 0
    /// Of those, records whose id comes from `custom_id` / `id` (the rest are named by line number).
    public private(set) var namedIDs = 0
    public private(set) var forms: [RequestRecord.Form: Int] = [:]
    public private(set) var badLines = 0
    public private(set) var duplicates = 0
    /// Records no endpoint's API can take (they do not translate, and no endpoint speaks theirs).
    public private(set) var untranslatable = 0
    /// Lines that belong to another shard.
    public private(set) var otherShard = 0
    /// The sum of every record's `TokenEstimate`.
    public private(set) var estimatedTokens = 0
    /// The first bad lines and duplicates, in file order.
    public private(set) var examples: [BadLine] = []
    private var filter: RecordFilter
    private var routing: DialectRouting?

    /// - Parameter dialects: the APIs of the run's endpoints (nil: not checked).
    public init(shard: Shard? = nil, dialects: [APIDialect]? = nil) {
        filter = RecordFilter(shard: shard)
        routing = dialects.map(DialectRouting.init)
    }

    /// What the records would cost, when the survey was given the prices.
    public var cost: CostEstimate?

    public mutating func add(_ item: SourceItem) {
        switch filter.admit(item) {
        case .send(var record):
            if let reason = routing?.refusal(for: &record) {
                untranslatable += 1
                if examples.count < Self.exampleLimit {
                    examples.append(BadLine(id: record.id, line: record.line, raw: "", reason: reason, namedID: record.namedID))
                }
                return
            }
            records += 1
            if record.namedID { namedIDs += 1 }
            forms[record.form, default: 0] += 1
            estimatedTokens += record.estimatedTokens
            cost?.add(record)
        case .reject(let bad):
            // A record is only ever refused for repeating an id; anything else refused is a bad line.
            if case .record = item { duplicates += 1 } else { badLines += 1 }
            if examples.count < Self.exampleLimit { examples.append(bad) }
        case .otherShard:
            otherShard += 1
        case .alreadyDone, .changed:
            // A survey has no earlier run to compare with.
            break
        }
    }

    /// Lines that would end in the errors file without being sent.
    public var refused: Int { badLines + duplicates + untranslatable }
}
