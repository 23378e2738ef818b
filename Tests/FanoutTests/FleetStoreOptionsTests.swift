import ArgumentParser
import Foundation
import Testing
@testable import Engine
@testable import fanout

/// `--limits_store`, `--fleet` and the store's password as argv.
@Suite struct FleetStoreOptionsTests {
    let input: String

    init() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("store-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        input = directory + "/prompts.jsonl"
        try "{\"input\":\"x\"}\n".write(toFile: input, atomically: true, encoding: .utf8)
    }

    func plan(_ arguments: [String], environment: [String: String] = [:]) throws -> RunPlan {
        try RunOptions.parse(["--requests_filepath", input] + arguments).makePlan(environment: environment)
    }

    func refusal(_ arguments: [String]) -> String? {
        do {
            _ = try plan(arguments)
            return nil
        } catch {
            return (error as? ValidationError)?.message ?? RunOptions.message(for: error)
        }
    }

    /// The store, the fleet's name, this shard's registration and the password from the named variable.
    @Test func readsTheStore() throws {
        let shared = try plan(["--limits_store", "redis://127.0.0.1:6380/1", "--fleet", "nightly", "--shard", "1/3",
                               "--limits_store_password_env", "STORE_PW"], environment: ["STORE_PW": "pw", "REDIS_PASSWORD": "other"])
        let store = try #require(shared.configuration.fleetStore)
        #expect(store.address.display == "redis://127.0.0.1:6380/1" && store.fleet == "nightly" && store.info.contains("\"shard\":\"1/3\""))
        #expect(shared.storePassword == "pw")
        #expect(try plan(["--limits_store", "redis://h:1"], environment: ["REDIS_PASSWORD": "dflt"]).storePassword == "dflt")
    }

    /// Shards of one job meet with no --fleet: the default name is the same for one input name and endpoints, wherever the input lives.
    @Test func defaultFleetName() {
        let one = RunOptions.defaultFleetName(inputPath: "/pod-1/data/in.jsonl", endpoints: ["b", "a"])
        #expect(one == RunOptions.defaultFleetName(inputPath: "/pod-2/in.jsonl", endpoints: ["a", "b"]))
        #expect(one != RunOptions.defaultFleetName(inputPath: "/pod-1/data/other.jsonl", endpoints: ["a", "b"]))
        #expect(one != RunOptions.defaultFleetName(inputPath: "/pod-1/data/in.jsonl", endpoints: ["a"]))
    }

    /// A password in the URL is refused naming where it goes, and never repeated; other misuse says what is wrong.
    @Test func refusals() {
        let inURL = refusal(["--limits_store", "redis://:hunter2@127.0.0.1:6379"])
        #expect(inURL?.contains("password") == true && inURL?.contains("hunter2") == false, "\(inURL ?? "accepted")")
        #expect(refusal(["--fleet", "x"])?.contains("--limits_store") == true)
        #expect(refusal(["--limits_store", "memcached://h:1"])?.contains("redis://") == true)
        #expect(refusal(["--limits_store", "redis://h:1", "--fleet", "a b"])?.contains("--fleet") == true)
        #expect(refusal(["--limits_store", "redis://h:1", "--limits_store_client_cert", "/c.pem", "--limits_store_client_key", "/k.pem"])?
            .contains("rediss://") == true)
    }
}
