import ArgumentParser
import Foundation
import Testing
@testable import Engine
@testable import fanout

/// `--prices`, `--max_cost` and `--fleet_max_cost` as argv, and the endpoints file's `price:` and `cost_per_hour:`.
@Suite struct CostOptionsTests {
    let directory: String
    let input: String

    init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("cost-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        input = directory + "/prompts.jsonl"
        try "{\"input\":\"x\"}\n".write(toFile: input, atomically: true, encoding: .utf8)
    }

    func plan(_ arguments: [String]) throws -> RunPlan {
        try RunOptions.parse(["--requests_filepath", input] + arguments).makePlan(environment: [:])
    }

    /// A prices file (YAML here) overrides the built-in table; the cap is kept; a fleet cap is split.
    @Test func pricesAndCaps() throws {
        let prices = directory + "/prices.yaml"
        try "gpt-4o-mini:\n  input_cost_per_token: 0.5\n  output_cost_per_token: 0.75\nmy-model:\n  input_cost_per_token: 1.0e-6\n  output_cost_per_token: 2.0e-6\n"
            .write(toFile: prices, atomically: true, encoding: .utf8)
        let capped = try plan(["--prices", prices, "--max_cost", "12.5", "--model", "my-model"])
        #expect(capped.configuration.cost.cap == 12.5)
        #expect(capped.configuration.cost.prices.price(of: "gpt-4o-mini")?.input == 0.5)
        #expect(capped.configuration.cost.prices.price(of: "my-model")?.output == 2.0e-6)
        #expect(capped.configuration.cost.prices.price(of: "claude-sonnet-4-5-20250929") != nil)
        #expect(try plan(["--fleet_max_cost", "100", "--shard", "1/4"]).configuration.cost.cap == 25)
        #expect(try plan([]).configuration.cost.cap == nil)
    }

    /// With a fleet store the fleet's cap is whole (leased in parts), needs no shard count, and refuses what leases do not cover.
    @Test func fleetCapThroughAStore() throws {
        let store = ["--limits_store", "redis://127.0.0.1:6379", "--model", "gpt-4o-mini"]
        let shared = try plan(["--fleet_max_cost", "100"] + store)
        #expect(shared.configuration.cost.cap == 100 && shared.configuration.cost.leasesFleetCap && shared.configuration.fleetStore?.cap == 100)
        #expect(try plan(["--fleet_rate", "30"] + store).configuration.rate == 30, "the fleet's whole rate: each shard leases from it")
        let endpoints = directory + "/endpoints.yaml"
        try "- {name: bat, url: http://127.0.0.1:9/v1, route: batch}\n- {name: rt, url: http://127.0.0.1:9/v1}\n".write(toFile: endpoints, atomically: true, encoding: .utf8)
        #expect(throws: ValidationError.self) { try plan(["--fleet_max_cost", "100", "--endpoints", endpoints] + store) }
    }

    /// Each misuse is refused with a sentence naming the option.
    @Test(arguments: [
        (["--max_cost", "-1"], "--max_cost"),
        (["--max_cost", "nan"], "--max_cost"),
        (["--fleet_max_cost", "10"], "--fleet_max_cost"),
        (["--fleet_max_cost", "10", "--max_cost", "1", "--shard", "0/2"], "--fleet_max_cost"),
        (["--max_cost", "5", "--model", "no-such-model-anywhere"], "no known price"),
        (["--prices", "/nonexistent/prices.json"], "--prices"),
    ])
    func refusals(arguments: [String], words: String) {
        do {
            _ = try plan(arguments)
            Issue.record("\(arguments) was accepted")
        } catch {
            let text = (error as? ValidationError)?.message ?? RunOptions.message(for: error)
            #expect(text.contains(words), "\(text)")
        }
    }

    /// A prices file that is not prices says what is wrong.
    @Test func badPricesFile() throws {
        let prices = directory + "/bad.json"
        try #"{"m": {"input_cost_per_token": "cheap", "output_cost_per_token": 1e-6}}"#.write(toFile: prices, atomically: true, encoding: .utf8)
        #expect(throws: ValidationError.self) { try plan(["--prices", prices]) }
        #expect(throws: ValidationError.self) { try plan(["--prices", directory]) }
    }

    /// An endpoint's `price:` and `cost_per_hour:` are read; both at once, or bad values, are refused;
    /// under a cap, an endpoint's `model:` without a price is refused unless the endpoint has its own.
    @Test func endpointPrices() throws {
        let parsed = try EndpointFile.parse("""
            - url: http://127.0.0.1:1/v1
              price: {input_cost_per_token: 1.0e-6, output_cost_per_token: 3.0e-6, cache_read_input_token_cost: 1.0e-7}
            - url: http://127.0.0.1:2/v1
              cost_per_hour: 2.5
            """, environment: [:], defaultKeyVariable: "K")
        #expect(parsed[0].price == ModelPrice(input: 1e-6, output: 3e-6, cacheRead: 1e-7))
        #expect(parsed[1].costPerHour == 2.5 && parsed[1].price == nil)
        for bad in ["  price: 3", "  cost_per_hour: -1", "  price: {input_cost_per_token: 1.0e-6}",
                    "  price: {input_cost_per_token: 1.0e-6, output_cost_per_token: 1.0e-6}\n  cost_per_hour: 1"] {
            #expect(throws: EngineError.self) { try EndpointFile.parse("- url: http://127.0.0.1:1/v1\n" + bad, environment: [:], defaultKeyVariable: "K") }
        }
        let file = directory + "/endpoints.yaml"
        try "- url: http://127.0.0.1:1/v1\n  model: local-llama\n".write(toFile: file, atomically: true, encoding: .utf8)
        #expect(throws: ValidationError.self) { try plan(["--endpoints", file, "--max_cost", "5"]) }
        try "- url: http://127.0.0.1:1/v1\n  model: local-llama\n  cost_per_hour: 2\n".write(toFile: file, atomically: true, encoding: .utf8)
        #expect(try plan(["--endpoints", file, "--max_cost", "5"]).configuration.endpoints[0].costPerHour == 2)
    }
}
