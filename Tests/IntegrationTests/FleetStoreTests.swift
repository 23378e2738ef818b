import Engine
import Foundation
import MockLLM
import Testing
import TestSupport

/// Shards sharing one limit through a real `redis-server`: the release binary (`scripts/test`
/// builds it), the mock as the endpoint, and the server's arrival times as the measure.
@Suite(.serialized, .tags(.integration)) struct FleetStoreTests {
    static let binary = BinaryTests.releaseBinary

    /// A shard: `count` lines in its own folder's `in.jsonl` (one input name, so the default fleet meets).
    struct Shard {
        let harness: Harness
        let process: Process
        let stderr: URL

        var log: String { (try? String(contentsOf: stderr, encoding: .utf8)) ?? "" }
        var saved: [JSONValue] { BatchRouteTests.lines(harness.savePath) }
    }

    /// - Parameter redis: the fleet store (nil: the shard runs alone, without one).
    static func shard(_ count: Int, prefix: String, server: MockServer, redis: RedisServer?, extra: [String] = []) throws -> Shard {
        let harness = try Harness()
        try harness.writeInput((0..<count).map { #"{"id":"\#(prefix)\#($0)","messages":[{"role":"user","content":"hi"}]}"# })
        let stderr = harness.directory.appendingPathComponent("stderr.log")
        FileManager.default.createFile(atPath: stderr.path, contents: nil)
        let process = try BinaryTests.launch(["--requests_filepath", harness.inputPath, "--save_filepath", harness.savePath,
                                              "--endpoint", "http://127.0.0.1:\(server.port)/v1", "--no-tui", "--control", "none",
                                              "--log_level", "warning"] + (redis.map { ["--limits_store", $0.url] } ?? []) + extra,
                                             stderr: try FileHandle(forWritingTo: stderr), executable: binary)
        return Shard(harness: harness, process: process, stderr: stderr)
    }

    static func finish(_ shards: [Shard], within seconds: Double) async -> Bool {
        await ControlTests.waitFor(seconds) { shards.allSatisfy { !$0.process.isRunning } }
    }

    /// Arrivals in [from, to) seconds of the server's clock, per second.
    static func rate(_ times: [Double], from: Double, to: Double) -> Double {
        Double(times.filter { $0 >= from && $0 < to }.count) / max(0.001, to - from)
    }

    /// Three shards of uneven size find each other with no --fleet and hold --fleet_rate 30 together:
    /// at most 30 × 1.15 in every 5 s window, and the two left take the small one's share within 2.5 s.
    @Test func unevenShardsShareOneRate() async throws {
        let redis = try RedisServer()
        defer { redis.stop() }
        let server = try await MockServer.start(behavior: MockBehavior(latency: 0.01))
        let shards = try [Self.shard(40, prefix: "a", server: server, redis: redis, extra: ["--fleet_rate", "30"]),
                          Self.shard(240, prefix: "b", server: server, redis: redis, extra: ["--fleet_rate", "30"]),
                          Self.shard(240, prefix: "c", server: server, redis: redis, extra: ["--fleet_rate", "30"])]
        defer { shards.forEach { $0.harness.cleanUp() } }
        #expect(await Self.finish(shards, within: 60))
        for shard in shards { #expect(shard.process.terminationStatus == 0, "\(shard.log)") }
        #expect(shards.map(\.saved.count) == [40, 240, 240])
        let times = server.arrivalTimes.sorted()
        #expect(times.count == 520)
        guard let first = times.first, let last = times.last else { return }
        var window = first
        while window + 5 <= last {
            let count = times.filter { $0 >= window && $0 < window + 5 }.count
            #expect(Double(count) <= 30 * 5 * 1.15, "\(count) arrivals in the 5 s from \(window)")
            window += 0.5
        }
        // The small shard's last request, on the server's clock: from 2.5 s after it, the other two reach 26/s together.
        let offset = server.now - Date().timeIntervalSince1970
        let ends = shards.map { shard in (shard.saved.compactMap { $0["started_at"]?.doubleValue }.max() ?? 0) + offset }
        if min(ends[1], ends[2]) - ends[0] > 4.5 {
            let pace = Self.rate(times, from: ends[0] + 2.5, to: min(ends[1], ends[2]) - 0.5)
            #expect(pace >= 26, "\(pace)/s after the small shard ended")
        }
    }

    /// 429s beyond 40 requests a second in all (no headers, no Retry-After), three shards started 2 s
    /// apart: learning together, they meet at most half the 429s three shards learning alone meet.
    @Test func learnedLimitsAreShared() async throws {
        func refusals(sharing: Bool) async throws -> (refused: Int, saved: [Int]) {
            let redis = try RedisServer()
            defer { redis.stop() }
            var behavior = MockBehavior(latency: 0.005)
            behavior.rateLimit = 40
            behavior.rateLimitRetryAfter = false
            behavior.rateLimitHeaders = false
            let server = try await MockServer.start(behavior: behavior)
            var shards: [Shard] = []
            for index in 0..<3 {
                if index > 0 { try await Task.sleep(for: .seconds(2)) }
                let extra = (sharing ? ["--fleet", "learn"] : []) + ["--rate_limit_patience", "10m"]
                let shard = try Self.shard(150, prefix: "l\(index)-", server: server, redis: sharing ? redis : nil, extra: extra)
                shards.append(shard)
            }
            defer { shards.forEach { $0.harness.cleanUp() } }
            #expect(await Self.finish(shards, within: 90))
            let saved = shards.map(\.saved.count)
            return (server.arrivals - saved.reduce(0, +), saved)
        }
        let alone = try await refusals(sharing: false)
        let together = try await refusals(sharing: true)
        #expect(alone.saved == [150, 150, 150] && together.saved == [150, 150, 150])
        #expect(Double(together.refused) <= Double(alone.refused) / 2, "429s: \(together.refused) sharing, \(alone.refused) alone")
    }

    /// `--fleet_max_cost` over three uneven shards is one counter: the fleet stops with its spend at
    /// most the cap and at least 85 % of it; the shards stopped for money exit 6.
    @Test func oneSpendCapForTheFleet() async throws {
        let redis = try RedisServer()
        defer { redis.stop() }
        let server = try await MockServer.start(behavior: MockBehavior(latency: 0.003))
        var shards: [Shard] = []
        for (index, count) in [80, 800, 800].enumerated() {
            let harness = try Harness()
            try harness.writeInput((0..<count).map { #"{"id":"m\#(index)-\#($0)","model":"gpt-4o-mini","max_tokens":50,"messages":[{"role":"user","content":"hello there, hello there"}]}"# })
            let process = try BinaryTests.launch(["--requests_filepath", harness.inputPath, "--save_filepath", harness.savePath,
                                                  "--endpoint", "http://127.0.0.1:\(server.port)/v1", "--no-tui", "--control", "none",
                                                  "--limits_store", redis.url, "--fleet", "money", "--fleet_max_cost", "0.004",
                                                  "--max_requests_per_second", "300"], executable: Self.binary)
            shards.append(Shard(harness: harness, process: process, stderr: harness.directory.appendingPathComponent("none")))
        }
        defer { shards.forEach { $0.harness.cleanUp() } }
        #expect(await Self.finish(shards, within: 60))
        let spent = shards.flatMap { $0.saved.compactMap { $0["cost_usd"]?.doubleValue } }.reduce(0, +)
        #expect(spent <= 0.004 + 1e-12 && spent >= 0.004 * 0.85, "the fleet spent \(spent) of 0.004")
        let statuses = shards.map(\.process.terminationStatus)
        #expect(statuses.allSatisfy { $0 == 0 || $0 == 6 } && statuses[1...].allSatisfy { $0 == 6 }, "\(statuses)")
        // Every record is either saved or left unsent (a rerun with a higher cap sends it): none failed.
        #expect(shards.allSatisfy { BatchRouteTests.lines($0.harness.errorsPath).isEmpty })
    }

    /// Three shards at a fleet rate of 3,000/s against an endpoint that answers at once: the store
    /// sees about 20 commands a second from each, whatever the request rate.
    @Test func storeLoadStaysSmall() async throws {
        let redis = try RedisServer()
        defer { redis.stop() }
        let server = try await MockServer.start()
        let before = try redis.clientCommands()
        let start = Date()
        let shards = try (0..<3).map { try Self.shard(6000, prefix: "s\($0)-", server: server, redis: redis, extra: ["--fleet_rate", "3000", "--fleet", "load"]) }
        defer { shards.forEach { $0.harness.cleanUp() } }
        #expect(await Self.finish(shards, within: 60))
        let seconds = Date().timeIntervalSince(start)
        let commands = try redis.clientCommands() - before
        #expect(shards.allSatisfy { $0.process.terminationStatus == 0 && $0.saved.count == 6000 })
        #expect(Double(commands) / seconds / 3 <= 22, "\(commands) store commands in \(seconds) s from 3 shards")
    }

    /// The store killed mid-run: every shard says so and goes on alone at its share; restarted on the
    /// same port, they share again; every id ends once.
    @Test func storeLostAndFound() async throws {
        let redis = try RedisServer()
        defer { redis.stop() }
        let server = try await MockServer.start(behavior: MockBehavior(latency: 0.005))
        let shards = try (0..<2).map { try Self.shard(400, prefix: "k\($0)-", server: server, redis: redis, extra: ["--fleet_rate", "40", "--fleet", "lost"]) }
        defer { shards.forEach { $0.harness.cleanUp() } }
        try await Task.sleep(for: .seconds(2))
        redis.kill()
        let killedAt = server.now
        #expect(await ControlTests.waitFor(5) { shards.allSatisfy { $0.log.contains("fleet store lost") } }, "\(shards.map(\.log))")
        try await Task.sleep(for: .seconds(3))
        let alone = Self.rate(server.arrivalTimes, from: killedAt + 1, to: server.now)
        #expect(alone <= 40 * 1.3, "alone at \(alone)/s")
        try redis.start()
        #expect(await ControlTests.waitFor(8) { shards.allSatisfy { $0.log.contains("fleet store back") } }, "\(shards.map(\.log))")
        #expect(await Self.finish(shards, within: 40))
        for shard in shards {
            #expect(shard.process.terminationStatus == 0, "\(shard.log)")
            let ids = shard.saved.compactMap { $0["id"]?.stringValue }
            #expect(ids.count == 400 && Set(ids).count == 400)
        }
    }

    /// `{"command":"rate","value":12,"scope":"fleet"}` to one shard, nobody attached: from 3 s after,
    /// the server sees 9–15 a second in all, with every shard still sending.
    @Test func fleetScopeRate() async throws {
        let redis = try RedisServer()
        defer { redis.stop() }
        let server = try await MockServer.start(behavior: MockBehavior(latency: 0.005))
        var shards: [Shard] = []
        for index in 0..<3 {
            let harness = try Harness()
            let socket = harness.directory.appendingPathComponent("c.sock").path
            try harness.writeInput((0..<400).map { #"{"id":"f\#(index)-\#($0)","messages":[{"role":"user","content":"hi"}]}"# })
            let stderr = harness.directory.appendingPathComponent("stderr.log")
            FileManager.default.createFile(atPath: stderr.path, contents: nil)
            let process = try BinaryTests.launch(["--requests_filepath", harness.inputPath, "--save_filepath", harness.savePath,
                                                  "--endpoint", "http://127.0.0.1:\(server.port)/v1", "--no-tui", "--control", socket,
                                                  "--limits_store", redis.url, "--fleet", "scope", "--fleet_rate", "60"],
                                                 stderr: try FileHandle(forWritingTo: stderr), executable: Self.binary)
            shards.append(Shard(harness: harness, process: process, stderr: stderr))
        }
        defer { shards.forEach { $0.process.terminate(); $0.harness.cleanUp() } }
        let socket = shards[0].harness.directory.appendingPathComponent("c.sock").path
        #expect(await ControlTests.waitFor(5) { FileManager.default.fileExists(atPath: socket) })
        try await Task.sleep(for: .seconds(1))
        let answer = try ControlTests.curl(["--unix-socket", socket, "-X", "POST", "http://fanout/v1/commands", "-d", #"{"command":"rate","value":12,"scope":"fleet"}"#])
        #expect(answer.contains("\"fleet_store\""), "\(answer)")
        let sentAt = server.now
        try await Task.sleep(for: .seconds(7))
        let total = Self.rate(server.arrivalTimes, from: sentAt + 3, to: server.now)
        #expect((9...15).contains(total), "\(total)/s in all")
        // Every shard still sends (its own saved lines grow).
        let counts = shards.map(\.saved.count)
        try await Task.sleep(for: .seconds(1.5))
        #expect(zip(shards.map(\.saved.count), counts).allSatisfy { $0 > $1 }, "\(counts)")
        let status = try ControlTests.curl(["--unix-socket", shards[2].harness.directory.appendingPathComponent("c.sock").path, "http://fanout/v1/status"])
        let document = try JSONParser.parse(Array(status.utf8))
        #expect(document["fleet_store"]?["fleet_rate"]?.doubleValue == 12 && document["fleet_store"]?["connected"] == .bool(true))
        #expect(document["fleet_store"]?["shards"]?.intValue == 3 && document["fleet_store"]?["url"]?.stringValue == redis.url)
    }

    /// Refusals at start, before anything is sent: a password in the URL, an unreachable store, a password the store refuses;
    /// the password is never printed, and the right one from the environment works.
    @Test func refusalsAtStart() async throws {
        let secret = "s3cret-\(UUID().uuidString.prefix(8))"
        let redis = try RedisServer(password: secret)
        defer { redis.stop() }
        let server = try await MockServer.start()
        let harness = try Harness()
        defer { harness.cleanUp() }
        try harness.writeInput(Harness.prompts(5))
        let base = ["--requests_filepath", harness.inputPath, "--save_filepath", harness.savePath, "--endpoint", "http://127.0.0.1:\(server.port)/v1",
                    "--no-tui", "--control", "none"]
        let inURL = try BinaryTests().fanout(base + ["--limits_store", "redis://:\(secret)@127.0.0.1:\(redis.port)"], executable: Self.binary)
        #expect(inURL.status == 2 && inURL.stderr.contains("password") && !inURL.stderr.contains(secret), "\(inURL.stderr)")
        let closed = try NetworkServers.freePort()
        let unreachable = try BinaryTests().fanout(base + ["--limits_store", "redis://127.0.0.1:\(closed)"], executable: Self.binary)
        #expect(unreachable.status == 2 && unreachable.stderr.contains("cannot be reached"), "\(unreachable.stderr)")
        let wrong = try BinaryTests().fanout(base + ["--limits_store", redis.url], environment: ["REDIS_PASSWORD": "not-\(secret)"], executable: Self.binary)
        #expect(wrong.status == 2 && wrong.stderr.contains("password") && !wrong.stderr.contains(secret), "\(wrong.stderr)")
        #expect(server.arrivals == 0)
        let right = try BinaryTests().fanout(base + ["--limits_store", redis.url, "--limits_store_password_env", "STORE_PW"],
                                             environment: ["STORE_PW": secret], executable: Self.binary)
        #expect(right.status == 0 && !right.stderr.contains(secret), "\(right.stderr)")
        #expect(server.arrivals == 5)
    }
}
