/// A `POST /v1/commands` body read into an engine command, or refused with a sentence.
///
/// Pure: the body, the run's endpoint names and the allowed ranges in; a command or the reason out.
/// Endpoints are named, never numbered, so a command means the same on every shard of a fleet.
public enum ControlCommand {
    /// The ranges a command's value must be in (the CLI's `Limits`).
    public struct Ranges: Sendable {
        public var rate: ClosedRange<Double>
        public var weight: ClosedRange<Double>
        public var inFlight: ClosedRange<Int>
        /// The names of the run's batch routes (`unbatch` takes only these).
        public var batchRoutes: Set<String> = []
        /// The run has a real-time endpoint (`unbatch` has somewhere to send records).
        public var hasRealtime = true
        /// The run shares its limits through a fleet store (`--limits_store`): `"scope": "fleet"` is taken.
        public var hasFleetStore = false

        public init(rate: ClosedRange<Double>, weight: ClosedRange<Double>, inFlight: ClosedRange<Int>) {
            self.rate = rate
            self.weight = weight
            self.inFlight = inFlight
        }
    }

    /// Why a body was refused: one sentence for the client.
    public struct Refusal: Error, Sendable, Hashable, CustomStringConvertible {
        public let description: String
        init(_ description: String) { self.description = description }
    }

    /// The slowest rate a command may set, requests per second; slower is a pause.
    public static let minimumRate = 0.001

    /// The commands and the fields each takes.
    static let fields: [String: Set<String>] = [
        "pause": ["scope"], "resume": ["scope"], "stop": [], "rate": ["value", "scope"], "weight": ["endpoint", "value", "scope"],
        "max_in_flight": ["value", "scope"], "endpoint_max_in_flight": ["endpoint", "value", "scope"], "drain": ["endpoint", "scope"],
        "unbatch": ["endpoint"],
    ]

    /// The engine command `body` asks for, or why it cannot be done.
    public static func parse(_ body: some Collection<UInt8>, endpoints: [String], ranges: Ranges) -> Result<EngineCommand, Refusal> {
        do {
            return .success(try command(body, endpoints: endpoints, ranges: ranges))
        } catch {
            return .failure(error)
        }
    }

    private static func command(_ body: some Collection<UInt8>, endpoints: [String], ranges: Ranges) throws(Refusal) -> EngineCommand {
        guard let value = try? JSONParser.parse(body), case .object = value else {
            throw Refusal("the body must be one JSON object, e.g. {\"command\":\"pause\"}")
        }
        let command = try localCommand(value, endpoints: endpoints, ranges: ranges)
        switch value["scope"] {
        case nil, .string("shard"): return command
        case .string("fleet"):
            guard ranges.hasFleetStore else {
                throw Refusal("\"scope\": \"fleet\" needs a fleet store: start the shards with --limits_store redis://HOST:PORT")
            }
            return .fleetWide(command)
        default: throw Refusal("\"scope\" is \"fleet\" (every shard of the fleet) or \"shard\" (this run only, the default)")
        }
    }

    private static func localCommand(_ value: JSONValue, endpoints: [String], ranges: Ranges) throws(Refusal) -> EngineCommand {
        guard case .object(let object) = value else {
            throw Refusal("the body must be one JSON object, e.g. {\"command\":\"pause\"}")
        }
        var seen = Set<String>()
        for field in object where !seen.insert(field.key).inserted {
            throw Refusal("the body names \"\(String(TerminalText.sanitized(field.key, keepsLayout: false).prefix(40)))\" twice; give each field once")
        }
        guard let name = value["command"]?.stringValue else { throw Refusal("the body needs a \"command\" string, e.g. {\"command\":\"pause\"}") }
        guard let allowed = fields[name] else {
            throw Refusal("unknown command \"\(String(TerminalText.sanitized(name, keepsLayout: false).prefix(40)))\"; the commands are \(fields.keys.sorted().joined(separator: ", "))")
        }
        for field in object where field.key != "command" && !allowed.contains(field.key) {
            let listed = allowed.subtracting(["scope"])
            throw Refusal("\"\(name)\" takes \(listed.isEmpty ? "no other field" : listed.sorted().map { "\"\($0)\"" }.joined(separator: " and ")), not \"\(String(TerminalText.sanitized(field.key, keepsLayout: false).prefix(40)))\"")
        }
        switch name {
        case "pause": return .pause
        case "resume": return .resume
        case "stop": return .stop
        case "rate": return .setRate(try rate(value["value"], ranges))
        case "weight":
            return .setWeight(endpoint: try endpoint(value, endpoints), weight: try number(value["value"], "weight", ranges.weight))
        case "drain": return .setWeight(endpoint: try endpoint(value, endpoints), weight: 0)
        case "unbatch": return try unbatch(value, endpoints: endpoints, ranges: ranges)
        case "max_in_flight":
            if value["value"]?.stringValue == "auto" { return .setMaxInFlightAuto }
            return .setMaxInFlight(try integer(value["value"], "max_in_flight", ranges.inFlight, orAuto: true))
        default:
            return .setEndpointMaxInFlight(endpoint: try endpoint(value, endpoints),
                                           try integer(value["value"], "endpoint_max_in_flight", ranges.inFlight, orAuto: false))
        }
    }

    /// `unbatch`: a batch route by name, or every one without a name; refused without a real-time endpoint.
    private static func unbatch(_ value: JSONValue, endpoints: [String], ranges: Ranges) throws(Refusal) -> EngineCommand {
        guard !ranges.batchRoutes.isEmpty else { throw Refusal("this run has no batch route to unbatch") }
        guard ranges.hasRealtime else {
            throw Refusal("this run has no real-time endpoint to send a cancelled batch's records to; add one (--endpoint URL) to use unbatch")
        }
        guard value["endpoint"] != nil else { return .unbatch(endpoint: nil) }
        let index = try endpoint(value, endpoints)
        guard ranges.batchRoutes.contains(endpoints[index]) else { throw Refusal("endpoint \(endpoints[index]) is not a batch route; unbatch takes a batch route") }
        return .unbatch(endpoint: index)
    }

    /// `null` lifts the limit; 0 is refused (pause stops sending).
    private static func rate(_ value: JSONValue?, _ ranges: Ranges) throws(Refusal) -> Double {
        if value == .null { return 0 }
        let rate = try number(value, "rate", ranges.rate)
        guard rate > 0 else { throw Refusal("rate 0 is out of range: use {\"command\":\"pause\"} to stop sending, or null to lift the limit") }
        guard rate >= minimumRate else {
            throw Refusal("rate \(text(rate)) is below \(text(minimumRate))/s, one request in over 16 minutes: use {\"command\":\"pause\"} to stop sending")
        }
        return rate
    }

    private static func number(_ value: JSONValue?, _ name: String, _ range: ClosedRange<Double>) throws(Refusal) -> Double {
        guard let value else { throw Refusal("\"\(name)\" needs a \"value\"") }
        guard let number = value.doubleValue, number.isFinite else { throw Refusal("\"\(name)\" needs a number as its \"value\"") }
        guard range.contains(number) else {
            throw Refusal("\(name) must be between \(text(range.lowerBound)) and \(text(range.upperBound)), not \(text(number))")
        }
        return number
    }

    private static func integer(_ value: JSONValue?, _ name: String, _ range: ClosedRange<Int>, orAuto: Bool) throws(Refusal) -> Int {
        let wanted = orAuto ? "a whole number or \"auto\"" : "a whole number"
        guard let value else { throw Refusal("\"\(name)\" needs a \"value\": \(wanted)") }
        guard let number = value.doubleValue, number.isFinite, number == number.rounded() else {
            throw Refusal("\"\(name)\" needs \(wanted) as its \"value\"")
        }
        guard number >= Double(range.lowerBound), number <= Double(range.upperBound) else {
            throw Refusal("\(name) must be between \(range.lowerBound) and \(range.upperBound), not \(text(number))")
        }
        return Int(number)
    }

    private static func endpoint(_ value: JSONValue, _ endpoints: [String]) throws(Refusal) -> Int {
        guard let name = value["endpoint"]?.stringValue else { throw Refusal("this command needs an \"endpoint\": one of \(list(endpoints))") }
        guard let index = endpoints.firstIndex(of: name) else {
            throw Refusal("no endpoint is named \"\(String(TerminalText.sanitized(name, keepsLayout: false).prefix(60)))\"; the endpoints are \(list(endpoints))")
        }
        return index
    }

    private static func list(_ names: [String]) -> String {
        let shown = names.prefix(10).map { "\"\($0)\"" }.joined(separator: ", ")
        return names.count > 10 ? shown + " and \(names.count - 10) more" : shown
    }

    private static func text(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int(value)) : String(value)
    }
}
