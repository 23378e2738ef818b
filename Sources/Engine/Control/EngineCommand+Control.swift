extension EngineCommand {
    /// The `POST /v1/commands` body for this command, naming endpoints by `endpoints[index]`
    /// (nil when it names an endpoint that is not there). `ControlCommand.parse` reads it back.
    public func controlBody(endpoints: [String]) -> String? {
        func name(_ index: Int) -> String? {
            guard endpoints.indices.contains(index) else { return nil }
            var quoted: [UInt8] = []
            JSONValue.encodeString(endpoints[index], into: &quoted)
            return String(decoding: quoted, as: UTF8.self)
        }
        switch self {
        case .pause: return #"{"command":"pause"}"#
        case .resume: return #"{"command":"resume"}"#
        case .stop: return #"{"command":"stop"}"#
        case .setRate(let rate): return #"{"command":"rate","value":\#(rate > 0 ? Self.number(rate) : "null")}"#
        case .setWeight(let index, let weight):
            return name(index).map { #"{"command":"weight","endpoint":\#($0),"value":\#(Self.number(weight))}"# }
        case .setMaxInFlight(let cap): return #"{"command":"max_in_flight","value":\#(cap)}"#
        case .setMaxInFlightAuto: return #"{"command":"max_in_flight","value":"auto"}"#
        case .setEndpointMaxInFlight(let index, let cap):
            return name(index).map { #"{"command":"endpoint_max_in_flight","endpoint":\#($0),"value":\#(cap)}"# }
        case .unbatch(nil): return #"{"command":"unbatch"}"#
        case .unbatch(let index?): return name(index).map { #"{"command":"unbatch","endpoint":\#($0)}"# }
        case .fleetWide(let inner): return inner.controlBody(endpoints: endpoints).map { String($0.dropLast()) + #","scope":"fleet"}"# }
        }
    }

    private static func number(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int(value)) : String(value)
    }
}
