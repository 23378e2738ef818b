/// The fleet's settings as the store holds them: what `scope: fleet` commands wrote, one field each.
///
/// Pure. A command sent to one shard with `"scope": "fleet"` becomes a field (`field(for:)`); every
/// shard reads the fields with its heartbeat and turns those that changed into its own commands
/// (`changes`). Values that are the fleet's total (the rate, the caps) are the total in the store;
/// each shard takes its part.
public struct FleetSettings: Sendable, Hashable {
    /// The fields as last applied here.
    public private(set) var applied: [String: String] = [:]
    /// The shard count the shares were last taken for.
    private var appliedShards = 1

    public init() {}

    /// A fleet setting: a field of the store's settings hash and its value.
    public struct Field: Sendable, Hashable {
        public let name: String
        public let value: String
    }

    /// The field a `scope: fleet` command writes (nil: the command is not a fleet setting).
    public static func field(for command: EngineCommand, names: [String]) -> Field? {
        func name(_ index: Int) -> String? { names.indices.contains(index) ? names[index] : nil }
        switch command {
        case .pause: return Field(name: "paused", value: "1")
        case .resume: return Field(name: "paused", value: "0")
        case .setRate(let rate): return Field(name: "rate", value: String(rate))
        case .setWeight(let endpoint, let weight): return name(endpoint).map { Field(name: "weight:\($0)", value: String(weight)) }
        case .setMaxInFlight(let cap): return Field(name: "max_in_flight", value: String(cap))
        case .setMaxInFlightAuto: return Field(name: "max_in_flight", value: "auto")
        case .setEndpointMaxInFlight(let endpoint, let cap): return name(endpoint).map { Field(name: "cap:\($0)", value: String(cap)) }
        case .stop, .unbatch, .fleetWide: return nil
        }
    }

    /// The fleet's rate the fields set (nil: none set).
    public static func rate(in fields: [String: String]) -> Double? {
        fields["rate"].flatMap(Double.init).flatMap { $0.isFinite && $0 >= 0 ? min($0, FleetGate.maxRate) : nil }
    }

    /// The commands that bring this shard to `fields` (those that changed since the last call, and
    /// the shares when the count of shards changed). The rate is not among them: the caller hands
    /// it to the `FleetGate`.
    public mutating func changes(to fields: [String: String], shards: Int, names: [String]) -> [EngineCommand] {
        let shards = max(1, shards)
        var commands: [EngineCommand] = []
        for (name, value) in fields.sorted(by: { $0.key < $1.key }) where name != "rate" {
            let shareChanged = shards != appliedShards && (name == "max_in_flight" || name.hasPrefix("cap:"))
            guard applied[name] != value || shareChanged, let command = Self.command(name, value, shards: shards, names: names) else { continue }
            commands.append(command)
        }
        applied = fields
        appliedShards = shards
        return commands
    }

    /// Records a field this shard wrote itself (already applied here).
    public mutating func wrote(_ field: Field) {
        applied[field.name] = field.value
    }

    /// The command a field means for this shard (its share of a total).
    static func command(_ name: String, _ value: String, shards: Int, names: [String]) -> EngineCommand? {
        // Values from the store are held to what a command may set (Limits): a hostile one never overflows.
        func share(_ total: Int) -> Int { max(1, (min(total, 1_000_000) + shards - 1) / shards) }
        func endpoint(_ prefix: String) -> Int? { names.firstIndex(of: String(name.dropFirst(prefix.count))) }
        switch name {
        case "paused": return value == "1" ? .pause : .resume
        case "max_in_flight":
            if value == "auto" { return .setMaxInFlightAuto }
            return Int(value).map { .setMaxInFlight(share($0)) }
        default:
            if name.hasPrefix("weight:"), let index = endpoint("weight:"), let weight = Double(value), weight.isFinite, weight >= 0 {
                return .setWeight(endpoint: index, weight: min(weight, 1_000_000))
            }
            if name.hasPrefix("cap:"), let index = endpoint("cap:"), let cap = Int(value), cap >= 1 {
                return .setEndpointMaxInFlight(endpoint: index, share(cap))
            }
            return nil
        }
    }
}
