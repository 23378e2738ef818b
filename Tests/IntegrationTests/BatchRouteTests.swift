import Engine
import Foundation
import MockLLM
import Testing
import TestSupport

/// Batch routes end to end: the release binary (`scripts/test` builds it; the debug one when it is
/// missing) against `MockServer` serving the batch APIs.
@Suite(.serialized, .tags(.integration)) struct BatchRouteTests {
    static let binary = BinaryTests.releaseBinary

    func fanout(_ arguments: [String]) throws -> BinaryTests.Run {
        try BinaryTests().fanout(arguments, executable: Self.binary)
    }

    static func batchMock(secondsPerRequest: Double = 0.002, expireAfter: Double? = nil) async throws -> MockServer {
        var behavior = MockBehavior()
        behavior.batchSecondsPerRequest = secondsPerRequest
        behavior.batchExpireAfter = expireAfter
        return try await MockServer.start(behavior: behavior)
    }

    static func chatLines(_ count: Int) -> [String] {
        (0..<count).map { #"{"id":"r\#($0)","model":"gpt-4o-mini","messages":[{"role":"user","content":"hello \#($0)"}]}"# }
    }

    static func endpoints(_ harness: Harness, port: Int, realtime: Bool, extra: String = "") throws -> String {
        var text = realtime ? "- {name: rt, url: http://127.0.0.1:\(port)/v1}\n" : ""
        text += "- {name: bat, url: http://127.0.0.1:\(port)/v1, route: batch, batch_fill_seconds: 0.3, poll_interval: 0.1, batch_max_requests: 300\(extra)}\n"
        let path = harness.directory.appendingPathComponent("endpoints.yaml").path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    /// Runs fanout over `count` chat lines against `server`'s routes; expects exit 0 and every id saved once.
    func runSaving(_ count: Int, server: MockServer, harness: Harness, realtime: Bool, rate: Int) throws -> [JSONValue] {
        try harness.writeInput(Self.chatLines(count))
        let endpoints = try Self.endpoints(harness, port: server.port, realtime: realtime)
        let run = try fanout(["--requests_filepath", harness.inputPath, "--save_filepath", harness.savePath, "--endpoints", endpoints,
                              "--no-tui", "--max_requests_per_second", String(rate)])
        #expect(run.status == 0, "\(run.stderr)")
        let saved = Self.lines(harness.savePath)
        #expect(saved.count == count && Set(saved.compactMap { $0["id"]?.stringValue }).count == count)
        return saved
    }

    static func lines(_ path: String) -> [JSONValue] {
        ((try? String(contentsOfFile: path, encoding: .utf8)) ?? "").split(separator: "\n").compactMap { try? JSONParser.parse(String($0)) }
    }

    static func executions(_ server: MockServer) throws -> [String: Int] {
        let text = try ControlTests.curl(["-s", "http://127.0.0.1:\(server.port)/mock/batch_executions"])
        guard case .object(let fields) = try JSONParser.parse(Array(text.utf8)) else { return [:] }
        return Dictionary(uniqueKeysWithValues: fields.map { ($0.key, $0.value.intValue ?? 0) })
    }

    /// 2,000 records over a real-time and a batch endpoint: each id saved once, the batch ones
    /// marked with their batch id, priced at half, and each run exactly once at the server.
    @Test func splitsBetweenRealtimeAndBatch() async throws {
        let server = try await Self.batchMock()
        let harness = try Harness()
        defer { harness.cleanUp() }
        let saved = try runSaving(2000, server: server, harness: harness, realtime: true, rate: 1000)
        let batch = saved.filter { $0["route"] == "batch" }
        #expect(batch.count == 1000, "split 1:1 by weight")
        #expect(batch.allSatisfy { $0["batch_id"]?.stringValue?.hasPrefix("batch_mock") == true && $0["endpoint"] == "bat" })
        let realtimeCost = saved.first { $0["route"] == nil }?["cost_usd"]?.doubleValue ?? 0
        let batchCost = batch.first?["cost_usd"]?.doubleValue ?? 0
        // Same prompt length and answer: gpt-4o-mini's batch price is half its price.
        let sameShape = saved.filter { $0["usage"] == batch.first?["usage"] }
        let plain = sameShape.first { $0["route"] == nil }?["cost_usd"]?.doubleValue ?? realtimeCost
        #expect(abs(batchCost * 2 - plain) < 1e-9, "batch \(batchCost) vs real-time \(plain)")
        let executions = try Self.executions(server)
        #expect(executions.count == 1000 && executions.values.allSatisfy { $0 == 1 })
        #expect(server.arrivals == 1000, "the real-time half only went to chat completions")
        #expect(!FileManager.default.fileExists(atPath: BatchJournal.path(for: harness.savePath)), "the journal goes once every batch is done")
    }

    /// kill -9 at four moments (packing, uploading and creating, polling, downloading), each time
    /// rerun: every id ends once, and no custom_id ran twice at the server.
    @Test(arguments: [0.25, 0.45, 0.8, 1.3]) func killedAndRerunRunsEachOnce(after seconds: Double) async throws {
        let server = try await Self.batchMock(secondsPerRequest: 0.0015)
        let harness = try Harness()
        defer { harness.cleanUp() }
        try harness.writeInput(Self.chatLines(1500))
        let endpoints = try Self.endpoints(harness, port: server.port, realtime: false)
        let arguments = ["--requests_filepath", harness.inputPath, "--save_filepath", harness.savePath, "--endpoints", endpoints, "--no-tui"]
        let process = try BinaryTests.launch(arguments, executable: Self.binary)
        try await Task.sleep(for: .seconds(seconds))
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        let rerun = try fanout(arguments)
        #expect(rerun.status == 0, "\(rerun.stderr)")
        let saved = Self.lines(harness.savePath)
        let ids = saved.compactMap { $0["id"]?.stringValue }
        #expect(ids.count == 1500 && Set(ids).count == 1500, "\(ids.count) lines, \(Set(ids).count) ids")
        let executions = try Self.executions(server)
        #expect(executions.values.allSatisfy { $0 == 1 }, "a custom_id ran twice: \(executions.filter { $0.value > 1 }.prefix(3))")
        #expect(executions.count == 1500)
    }

    /// Batches that expire before running all their requests: the rest go again (by batch or
    /// real-time), never as failures, and nothing runs twice.
    @Test func expiredBatchesSendTheRestAgain() async throws {
        let server = try await Self.batchMock(secondsPerRequest: 0.004, expireAfter: 0.4)
        let harness = try Harness()
        defer { harness.cleanUp() }
        _ = try runSaving(1200, server: server, harness: harness, realtime: true, rate: 300)
        #expect(Self.lines(harness.errorsPath).isEmpty)
        let executions = try Self.executions(server)
        #expect(executions.values.allSatisfy { $0 == 1 })
        #expect(executions.count + server.arrivals == 1200, "batch \(executions.count) + real-time \(server.arrivals)")
        #expect(executions.count < 600, "some batch records expired and went again")
    }

    /// An Anthropic batch route: ids that do not fit Anthropic's custom_id rules get derived ones and
    /// still land on their records.
    @Test func anthropicBatchRoute() async throws {
        let server = try await Self.batchMock()
        let harness = try Harness()
        defer { harness.cleanUp() }
        var lines = (0..<200).map { #"{"id":"a\#($0)","model":"claude-haiku-4-5","max_tokens":50,"messages":[{"role":"user","content":"hi \#($0)"}]}"# }
        lines.append(#"{"id":"not a valid id!","model":"claude-haiku-4-5","max_tokens":50,"messages":[{"role":"user","content":"x"}]}"#)
        try harness.writeInput(lines)
        let run = try fanout(["--requests_filepath", harness.inputPath, "--save_filepath", harness.savePath,
                                            "--endpoint", "anthropic-batch:http://127.0.0.1:\(server.port)/v1", "--no-tui"])
        #expect(run.status == 0, "\(run.stderr)")
        let saved = Self.lines(harness.savePath)
        #expect(saved.count == 201 && saved.contains { $0["id"] == "not a valid id!" && $0["response"] == "Answer to: x" })
        #expect(try Self.executions(server)["fanout-L201"] == 1)
    }

    /// `unbatch` over the control socket cancels the open batches; what they had not run is sent real-time, once.
    @Test func unbatchSendsTheRestRealtime() async throws {
        let server = try await Self.batchMock(secondsPerRequest: 0.02)
        let harness = try Harness()
        defer { harness.cleanUp() }
        try harness.writeInput(Self.chatLines(600))
        let endpoints = try Self.endpoints(harness, port: server.port, realtime: true, extra: ", weight: 3")
        let socket = harness.directory.appendingPathComponent("c.sock").path
        let process = try BinaryTests.launch(["--requests_filepath", harness.inputPath, "--save_filepath", harness.savePath, "--endpoints", endpoints,
                                              "--no-tui", "--max_requests_per_second", "100", "--control", socket], executable: Self.binary)
        try await Task.sleep(for: .seconds(1.5))
        let answer = try ControlTests.curl(["--unix-socket", socket, "-s", "-X", "POST", "-d", #"{"command":"unbatch","endpoint":"bat"}"#,
                                            "http://localhost/v1/commands"])
        #expect(answer.contains("\"route\":\"batch\""), "\(answer.prefix(300))")
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        let saved = Self.lines(harness.savePath)
        #expect(saved.count == 600 && Set(saved.compactMap { $0["id"]?.stringValue }).count == 600)
        let executions = try Self.executions(server)
        #expect(executions.values.allSatisfy { $0 == 1 } && executions.count + server.arrivals == 600)
        #expect(executions.count < 450, "the cancelled batches' unrun records went real-time")
    }

    /// `--deadline` with batches too slow to make it: fanout cancels them in time and the run ends by the deadline.
    @Test func deadlineForcesACancel() async throws {
        let server = try await Self.batchMock(secondsPerRequest: 0.05)
        let harness = try Harness()
        defer { harness.cleanUp() }
        try harness.writeInput(Self.chatLines(400))
        let endpoints = try Self.endpoints(harness, port: server.port, realtime: true, extra: ", weight: 9")
        let start = Date()
        let run = try fanout(["--requests_filepath", harness.inputPath, "--save_filepath", harness.savePath, "--endpoints", endpoints,
                                            "--no-tui", "--max_requests_per_second", "200", "--deadline", "8s"])
        let took = Date().timeIntervalSince(start)
        #expect(run.status == 0, "\(run.stderr)")
        #expect(took < 9, "ended after \(took) s")
        let saved = Self.lines(harness.savePath)
        #expect(saved.count == 400 && Set(saved.compactMap { $0["id"]?.stringValue }).count == 400)
        let executions = try Self.executions(server)
        #expect(executions.values.allSatisfy { $0 == 1 } && executions.count + server.arrivals == 400)
        #expect(executions.count > 0 && executions.count < 360, "some went by batch, the rest real-time after the cancel")
    }

    /// The official `openai` and `anthropic` SDKs read the mock's files, batches and results.
    @Test func officialSDKsReadTheMock() async throws {
        let python = (ProcessInfo.processInfo.environment["HOME"] ?? "/root") + "/.cache/fanout-litellm/bin/python"
        try #require(FileManager.default.isExecutableFile(atPath: python), "the SDKs' venv is missing (.ci/run makes it)")
        let server = try await Self.batchMock()
        let script = """
            import anthropic, openai, json, sys, time, io
            base = sys.argv[1]
            client = openai.OpenAI(base_url=base, api_key="sk-test", max_retries=0)
            line = json.dumps({"custom_id": "a1", "method": "POST", "url": "/v1/chat/completions",
                               "body": {"model": "gpt-4o-mini", "messages": [{"role": "user", "content": "hello"}]}})
            f = client.files.create(file=("in.jsonl", io.BytesIO((line + "\\n").encode())), purpose="batch")
            b = client.batches.create(input_file_id=f.id, endpoint="/v1/chat/completions", completion_window="24h", metadata={"fanout_batch": "k1"})
            while b.status not in ("completed", "failed", "expired", "cancelled"):
                time.sleep(0.05)
                b = client.batches.retrieve(b.id)
            out = client.files.content(b.output_file_id).text
            listed = [x.id for x in client.batches.list(limit=10)]
            a = anthropic.Anthropic(base_url=base.removesuffix("/v1"), api_key="sk-test", max_retries=0)
            m = a.messages.batches.create(requests=[{"custom_id": "c1", "params": {"model": "claude-haiku-4-5", "max_tokens": 20,
                                                                                 "messages": [{"role": "user", "content": "hi"}]}}])
            while m.processing_status != "ended":
                time.sleep(0.05)
                m = a.messages.batches.retrieve(m.id)
            results = [r for r in a.messages.batches.results(m.id)]
            print(json.dumps({"status": b.status, "total": b.request_counts.total, "meta": b.metadata, "answer": json.loads(out)["response"]["body"]["choices"][0]["message"]["content"],
                              "listed": b.id in listed, "a_counts": m.request_counts.succeeded, "a_type": results[0].result.type,
                              "a_text": results[0].result.message.content[0].text}))
            """
        let out = try NetworkServers.output(python, ["-c", script, "http://127.0.0.1:\(server.port)/v1"])
        let json = try JSONParser.parse(Array(out.utf8))
        #expect(json["status"] == "completed" && json["total"] == 1 && json["answer"] == "Answer to: hello" && json["listed"] == .bool(true), "\(out)")
        #expect(json["meta"]?["fanout_batch"] == "k1", "\(out)")
        #expect(json["a_counts"] == 1 && json["a_type"] == "succeeded" && json["a_text"] == "Answer to: hi", "\(out)")
    }
}
