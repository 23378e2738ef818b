import Engine
import Foundation
import MockLLM
import Testing
import TestSupport

/// Anthropic's Messages API with the real binary over real HTTP: a strict server, one file across
/// both APIs, 529s, streams, Message Batches output, LiteLLM's `/v1/messages`, and the official SDK.
@Suite(.serialized, .tags(.integration)) struct AnthropicTests {
    /// Message Batches lines, Anthropic bodies, OpenAI chat lines with system messages, and seed prompts.
    static func lines(_ count: Int) -> [String] {
        (1...count).map { number in
            switch number % 4 {
            case 0: #"{"custom_id":"b\#(number)","params":{"model":"claude-haiku-4-5","max_tokens":40,"system":"Be brief.","messages":[{"role":"user","content":[{"type":"text","text":"batch \#(number)"}]}]}}"#
            case 1: #"{"id":"o\#(number)","model":"claude-haiku-4-5","max_tokens":40,"messages":[{"role":"system","content":"Be brief."},{"role":"user","content":"chat \#(number)"}],"stop":["END"]}"#
            case 2: #"{"id":"a\#(number)","model":"claude-haiku-4-5","max_tokens":40,"system":[{"type":"text","text":"S"}],"messages":[{"role":"user","content":"anthropic \#(number)"}]}"#
            default: #"{"id":"s\#(number)","input":"seed \#(number)"}"#
            }
        }
    }

    static func anthropicMock(_ change: (inout MockBehavior) -> Void = { _ in }) async throws -> MockServer {
        var behavior = MockBehavior(latency: 0.005)
        behavior.outputTokens = 8
        behavior.anthropic = true
        change(&behavior)
        return try await MockServer.start(behavior: behavior)
    }

    /// The strict server refuses what Anthropic refuses (checked with curl); fanout's lines, all four
    /// shapes, are all accepted there (system hoisted, max_tokens set), and one file balanced over an
    /// OpenAI-compatible and an Anthropic endpoint saves every id once from both.
    @Test func strictServerAndOneFileAcrossBoth() async throws {
        let harness = try Harness()
        defer { harness.cleanUp() }
        let anthropic = try await Self.anthropicMock()
        var plain = MockBehavior(latency: 0.005)
        plain.outputTokens = 8
        let openAI = try await MockServer.start(behavior: plain)
        let url = anthropic.baseURL + "/messages"
        func status(_ body: String, version: Bool = true) throws -> String {
            try NetworkServers.output("curl", ["-s", "-o", "/dev/null", "-w", "%{http_code}", "-H", "content-type: application/json"]
                + (version ? ["-H", "anthropic-version: 2023-06-01"] : []) + ["-d", body, url])
        }
        #expect(try status(#"{"model":"m","max_tokens":5,"messages":[{"role":"user","content":"hi"}]}"#) == "200")
        #expect(try status(#"{"model":"m","max_tokens":5,"messages":[{"role":"user","content":"hi"}]}"#, version: false) == "400")
        #expect(try status(#"{"model":"m","messages":[{"role":"user","content":"hi"}]}"#) == "400")
        #expect(try status(#"{"model":"m","max_tokens":5,"messages":[{"role":"system","content":"s"},{"role":"user","content":"hi"}]}"#) == "400")
        #expect(try status(#"{"model":"m","max_tokens":5,"stream_options":{},"messages":[{"role":"user","content":"hi"}]}"#) == "400")
        anthropic.resetCounters()

        try harness.writeInput(Self.lines(40))
        let alone = try BinaryTests().fanout(["--requests_filepath", harness.inputPath, "--save_filepath", harness.savePath,
                                              "--endpoint", "anthropic:" + anthropic.baseURL, "--model", "claude-haiku-4-5", "--no-tui"],
                                             environment: ["ANTHROPIC_API_KEY": "sk-ant-secret-123456"])
        #expect(alone.status == 0, "\(alone.stderr)")
        let saved = try Harness.read(harness.savePath)
        #expect(saved.count == 40 && Set(saved.compactMap { $0["id"]?.stringValue }).count == 40)
        #expect(saved.allSatisfy { $0["stop_reason"] == "end_turn" && $0["finish_reason"] == "stop" && $0["usage"]?["output_tokens"] == 8 })
        #expect(saved.allSatisfy { $0["request_id"]?.stringValue?.hasPrefix("req_mock") == true && $0["raw_usage"] != nil })
        let savedText = try String(contentsOfFile: harness.savePath, encoding: .utf8)
        #expect(!alone.stdout.contains("sk-ant-secret") && !alone.stderr.contains("sk-ant-secret") && !savedText.contains("sk-ant-secret"))

        let mixed = try Harness()
        defer { mixed.cleanUp() }
        try mixed.writeInput(Self.lines(200))
        anthropic.resetCounters()
        let both = try BinaryTests().fanout(["--requests_filepath", mixed.inputPath, "--save_filepath", mixed.savePath,
                                             "--endpoint", "anthropic:" + anthropic.baseURL, "--endpoint", openAI.baseURL,
                                             "--model", "claude-haiku-4-5", "--no-tui"])
        #expect(both.status == 0, "\(both.stderr)")
        let lines = try Harness.read(mixed.savePath)
        #expect(lines.count == 200 && Set(lines.compactMap { $0["id"]?.stringValue }).count == 200)
        #expect(anthropic.arrivals >= 80 && openAI.arrivals >= 80, "\(anthropic.arrivals) / \(openAI.arrivals)")
        #expect(lines.filter { $0["stop_reason"] != nil }.count == anthropic.arrivals)
        await anthropic.stop()
        await openAI.stop()
    }

    /// A 529 is retried with backoff and counted as overloaded; streamed answers are timed; Message
    /// Batches output has one succeeded or errored line per record.
    @Test func overloadedStreamsAndBatchOutput() async throws {
        let harness = try Harness()
        defer { harness.cleanUp() }
        let server = try await Self.anthropicMock { $0.failFirst = 1; $0.failStatus = 529; $0.secondsPerToken = 0.002 }
        try harness.writeInput(Self.lines(20) + ["{broken"])
        let run = try BinaryTests().fanout(["--requests_filepath", harness.inputPath, "--save_filepath", harness.savePath,
                                            "--endpoint", "anthropic:" + server.baseURL, "--model", "claude-haiku-4-5", "--stream",
                                            "--output_format", "anthropic-batch", "--no-tui", "--eject_after", "3"])
        #expect(run.status == 1, "\(run.stderr)")
        #expect(run.stdout.contains("529 overloaded 20"), "\(run.stdout)")
        let saved = try Harness.read(harness.savePath)
        #expect(saved.count == 20 && saved.allSatisfy { $0["result"]?["type"] == "succeeded" })
        #expect(saved.allSatisfy { $0["result"]?["message"]?["content"]?[0]?["text"]?.stringValue?.isEmpty == false })
        #expect(Set(saved.compactMap { $0["custom_id"]?.stringValue }).count == 20 && server.arrivals == 40)
        let errors = try Harness.read(harness.errorsPath)
        #expect(errors.count == 1 && errors[0]["result"]?["type"] == "errored")
        #expect(errors[0]["result"]?["error"]?["error"]?["type"] == "invalid_request_error")

        let timed = try Harness()
        defer { timed.cleanUp() }
        try timed.writeInput(Self.lines(8))
        server.behavior.failFirst = 0
        let streamed = try BinaryTests().fanout(["--requests_filepath", timed.inputPath, "--save_filepath", timed.savePath,
                                                 "--endpoint", "anthropic:" + server.baseURL, "--model", "claude-haiku-4-5", "--stream", "--no-tui"])
        #expect(streamed.status == 0, "\(streamed.stderr)")
        let answers = try Harness.read(timed.savePath)
        #expect(answers.allSatisfy { ($0["ttft_ms"]?.doubleValue ?? 0) > 0 && $0["output_tokens"] == 8 && $0["tpot_ms"] != nil })
        #expect(answers.allSatisfy { $0["itl_ms"]?[6] != nil && $0["response"]?.stringValue?.split(separator: " ").count == 8 })
        await server.stop()
    }

    /// LiteLLM's proxy (`/v1/messages` before a mock model) as a third-party Anthropic server:
    /// Message Batches lines and translated chat lines are answered.
    @Test func liteLLMMessagesRoute() async throws {
        let harness = try Harness()
        defer { harness.cleanUp() }
        let (server, port) = try LiteLLMTests.start(config: """
            model_list:
              - model_name: mock-claude
                litellm_params:
                  model: anthropic/claude-3-5-haiku-20241022
                  api_key: sk-none
                  mock_response: "hello from the mock"
            """, in: harness)
        defer { kill(server.processIdentifier, SIGKILL); server.waitUntilExit() }
        try harness.writeInput(Self.lines(12).map { $0.replacingOccurrences(of: "claude-haiku-4-5", with: "mock-claude") })
        let run = try BinaryTests().fanout(["--requests_filepath", harness.inputPath, "--save_filepath", harness.savePath,
                                            "--endpoint", "anthropic:http://127.0.0.1:\(port)", "--model", "mock-claude", "--no-tui"],
                                           environment: ["ANTHROPIC_API_KEY": "sk-none"])
        #expect(run.status == 0, "\(run.stderr.suffix(2000))")
        let saved = try Harness.read(harness.savePath)
        #expect(saved.count == 12 && saved.allSatisfy { $0["response"] == "hello from the mock" && $0["stop_reason"] == "end_turn" })
    }

    /// The official `anthropic` Python SDK, as a client of `mock-server --api anthropic`, parses its
    /// answers and its streams.
    @Test func officialSDKReadsTheMock() async throws {
        let python = (ProcessInfo.processInfo.environment["HOME"] ?? "/root") + "/.cache/fanout-litellm/bin/python"
        try #require(FileManager.default.isExecutableFile(atPath: python), "the SDK's venv is missing (.ci/run makes it)")
        let server = try await Self.anthropicMock()
        let script = """
            import anthropic, json, sys
            client = anthropic.Anthropic(base_url=sys.argv[1], api_key="sk-test", max_retries=0)
            message = client.messages.create(model="claude-haiku-4-5", max_tokens=20, system="S", messages=[{"role": "user", "content": "hello there"}])
            with client.messages.stream(model="claude-haiku-4-5", max_tokens=20, messages=[{"role": "user", "content": "hello there"}]) as stream:
                streamed = "".join(stream.text_stream)
                final = stream.get_final_message()
            try:
                client.messages.create(model="m", max_tokens=5, messages=[{"role": "system", "content": "s"}])
                refused = None
            except anthropic.BadRequestError as error:
                refused = error.status_code
            print(json.dumps({"text": message.content[0].text, "stop": message.stop_reason, "output": message.usage.output_tokens,
                              "streamed": streamed, "final_stop": final.stop_reason, "final_output": final.usage.output_tokens, "refused": refused}))
            """
        let out = try NetworkServers.output(python, ["-c", script, "http://127.0.0.1:\(server.port)"])
        let json = try JSONParser.parse(Array(out.utf8))
        #expect(json["text"]?.stringValue?.split(separator: " ").count == 8 && json["stop"] == "end_turn" && json["output"] == 8, "\(out)")
        #expect(json["streamed"] == json["text"] && json["final_stop"] == "end_turn" && json["final_output"] == 8, "\(out)")
        #expect(json["refused"] == 400)
        await server.stop()
    }
}
