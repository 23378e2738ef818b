import Engine
import Testing

@Suite struct ControlCommandTests {
    static let ranges = ControlCommand.Ranges(rate: 0...1_000_000, weight: 0...1_000_000, inFlight: 1...1_000_000)
    static let names = ["gpu-a", "hosted \"b\""]

    func parse(_ body: String) -> Result<EngineCommand, ControlCommand.Refusal> {
        ControlCommand.parse(Array(body.utf8), endpoints: Self.names, ranges: Self.ranges)
    }

    func refusal(_ body: String) -> String? {
        if case .failure(let refusal) = parse(body) { return refusal.description }
        return nil
    }

    /// Every documented command reads into its engine command; endpoints are found by name.
    @Test func commands() throws {
        let cases: [(String, EngineCommand)] = [
            (#"{"command":"pause"}"#, .pause), (#"{"command":"resume"}"#, .resume), (#"{"command":"stop"}"#, .stop),
            (#"{"command":"rate","value":200}"#, .setRate(200)), (#"{"command":"rate","value":0.5}"#, .setRate(0.5)),
            (#"{"command":"rate","value":null}"#, .setRate(0)),
            (#"{"command":"weight","endpoint":"gpu-a","value":3}"#, .setWeight(endpoint: 0, weight: 3)),
            (#"{"command":"weight","endpoint":"hosted \"b\"","value":0}"#, .setWeight(endpoint: 1, weight: 0)),
            (#"{"command":"drain","endpoint":"gpu-a"}"#, .setWeight(endpoint: 0, weight: 0)),
            (#"{"command":"max_in_flight","value":100}"#, .setMaxInFlight(100)),
            (#"{"command":"max_in_flight","value":"auto"}"#, .setMaxInFlightAuto),
            (#"{"command":"endpoint_max_in_flight","endpoint":"gpu-a","value":8}"#, .setEndpointMaxInFlight(endpoint: 0, 8)),
            (#" {"value":8.0,"endpoint":"gpu-a","command":"endpoint_max_in_flight"} "#, .setEndpointMaxInFlight(endpoint: 0, 8)),
        ]
        for (body, expected) in cases { #expect(try parse(body).get() == expected, "\(body)") }
    }

    /// Values out of range, wrong types, unknown commands, fields and endpoints are refused with a sentence.
    @Test func refusals() {
        #expect(refusal(#"{"command":"rate","value":0}"#)?.contains("use {\"command\":\"pause\"}") == true)
        #expect(refusal(#"{"command":"rate","value":-5}"#) == "rate must be between 0 and 1000000, not -5")
        #expect(refusal(#"{"command":"rate","value":2000000}"#) == "rate must be between 0 and 1000000, not 2000000")
        #expect(refusal(#"{"command":"rate","value":1e999}"#) == "\"rate\" needs a number as its \"value\"")
        #expect(refusal(#"{"command":"rate"}"#) == "\"rate\" needs a \"value\"")
        #expect(refusal(#"{"command":"rate","value":"fast"}"#) == "\"rate\" needs a number as its \"value\"")
        #expect(refusal(#"{"command":"max_in_flight","value":0}"#) == "max_in_flight must be between 1 and 1000000, not 0")
        #expect(refusal(#"{"command":"max_in_flight","value":2.5}"#) == "\"max_in_flight\" needs a whole number or \"auto\" as its \"value\"")
        #expect(refusal(#"{"command":"endpoint_max_in_flight","endpoint":"gpu-a","value":"auto"}"#)?.contains("a whole number") == true)
        #expect(refusal(#"{"command":"weight","endpoint":"gpu-c","value":1}"#)?.hasPrefix("no endpoint is named \"gpu-c\"") == true)
        #expect(refusal(#"{"command":"weight","value":1}"#)?.hasPrefix("this command needs an \"endpoint\"") == true)
        #expect(refusal(#"{"command":"weight","endpoint":"gpu-a","value":-1}"#) == "weight must be between 0 and 1000000, not -1")
        #expect(refusal(#"{"command":"explode"}"#)?.hasPrefix("unknown command \"explode\"; the commands are drain, endpoint_max_in_flight") == true)
        #expect(refusal(#"{"command":"pause","value":1}"#) == "\"pause\" takes no other field, not \"value\"")
        #expect(refusal(#"{"command":"rate","values":1}"#)?.contains("not \"values\"") == true)
        #expect(refusal(#"{"cmd":"pause"}"#)?.hasPrefix("the body needs a \"command\"") == true)
        for garbage in ["", "pause", "[1]", "{", "\u{1b}[2J", String(repeating: "[", count: 10_000)] {
            #expect(refusal(garbage)?.hasPrefix("the body must be one JSON object") == true)
        }
    }

    /// An echoed name cannot carry terminal escapes into a client's screen.
    @Test func echoedNamesAreCleaned() {
        let sentence = refusal("{\"command\":\"\u{1b}]0;pwned\u{07}\"}") ?? ""
        #expect(!sentence.unicodeScalars.contains { $0.value == 0x1B || $0.value == 0x07 })
    }

    /// Every engine command written as a body by `controlBody` reads back as itself.
    @Test func bodiesRoundTrip() throws {
        let commands: [EngineCommand] = [.pause, .resume, .stop, .setRate(250), .setRate(0.25), .setRate(0),
                                         .setWeight(endpoint: 1, weight: 2.5), .setWeight(endpoint: 0, weight: 0), .setMaxInFlight(64),
                                         .setMaxInFlightAuto, .setEndpointMaxInFlight(endpoint: 1, 12)]
        for command in commands {
            let body = try #require(command.controlBody(endpoints: Self.names))
            #expect(try parse(body).get() == command, "\(body)")
        }
        #expect(EngineCommand.setWeight(endpoint: 5, weight: 1).controlBody(endpoints: Self.names) == nil)
    }

    /// `"scope": "fleet"` wraps the command for every shard with a fleet store, is refused with a sentence without one,
    /// and a body made from it reads back the same.
    @Test func fleetScope() throws {
        var withStore = Self.ranges
        withStore.hasFleetStore = true
        let body = #"{"command":"rate","value":12,"scope":"fleet"}"#
        let parsed = ControlCommand.parse(Array(body.utf8), endpoints: Self.names, ranges: withStore)
        #expect(try parsed.get() == .fleetWide(.setRate(12)))
        let drain = ControlCommand.parse(Array(#"{"command":"drain","endpoint":"gpu-a","scope":"fleet"}"#.utf8), endpoints: Self.names, ranges: withStore)
        #expect(try drain.get() == .fleetWide(.setWeight(endpoint: 0, weight: 0)))
        #expect(refusal(body)?.contains("--limits_store") == true)
        #expect(refusal(#"{"command":"pause","scope":"everyone"}"#)?.contains("scope") == true)
        #expect(refusal(#"{"command":"stop","scope":"fleet"}"#) != nil)
        #expect(try parse(#"{"command":"pause","scope":"shard"}"#).get() == .pause)
        let again = EngineCommand.fleetWide(.setWeight(endpoint: 1, weight: 2)).controlBody(endpoints: Self.names) ?? ""
        #expect(try ControlCommand.parse(Array(again.utf8), endpoints: Self.names, ranges: withStore).get() == .fleetWide(.setWeight(endpoint: 1, weight: 2)))
    }
}

@Suite struct UnbatchCommandTests {
    /// `unbatch` names a batch route or none; a real-time endpoint, or a run without a real-time one, is refused.
    @Test func readsUnbatch() throws {
        var ranges = Limits.commandRanges
        ranges.batchRoutes = ["bat"]
        let names = ["rt", "bat"]
        func parse(_ body: String, _ ranges: ControlCommand.Ranges) -> Result<EngineCommand, ControlCommand.Refusal> {
            ControlCommand.parse(Array(body.utf8), endpoints: names, ranges: ranges)
        }
        #expect(try parse(#"{"command":"unbatch","endpoint":"bat"}"#, ranges).get() == .unbatch(endpoint: 1))
        #expect(try parse(#"{"command":"unbatch"}"#, ranges).get() == .unbatch(endpoint: nil))
        #expect((try? parse(#"{"command":"unbatch","endpoint":"rt"}"#, ranges).get()) == nil)
        var batchOnly = ranges
        batchOnly.hasRealtime = false
        guard case .failure(let refusal) = parse(#"{"command":"unbatch"}"#, batchOnly) else { Issue.record("refused"); return }
        #expect(refusal.description.contains("no real-time endpoint"))
        #expect(EngineCommand.unbatch(endpoint: 1).controlBody(endpoints: names) == #"{"command":"unbatch","endpoint":"bat"}"#)
    }
}
