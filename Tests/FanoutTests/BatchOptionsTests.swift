import ArgumentParser
import Foundation
import Testing
@testable import Engine
@testable import fanout

@Suite struct BatchOptionsTests {
    let directory: String
    let input: String

    init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("batchopts-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        input = directory + "/prompts.jsonl"
        try "{\"input\":\"x\"}\n".write(toFile: input, atomically: true, encoding: .utf8)
    }

    /// `batch:URL` and `anthropic-batch:URL` make batch routes with the providers' defaults, beside real-time ones.
    @Test func batchEndpointsOnTheCommandLine() throws {
        let plan = try RunOptions.parse(["--requests_filepath", input, "--endpoint", "http://127.0.0.1:9/v1", "--endpoint", "batch:https://api.openai.com@3",
                                         "--endpoint", "anthropic-batch:https://api.anthropic.com"]).makePlan(environment: [:])
        let endpoints = plan.configuration.endpoints
        #expect(endpoints.map { $0.batch != nil } == [false, true, true])
        #expect(endpoints[1].weight == 3 && endpoints[1].batch?.maxRequests == 50_000 && endpoints[1].dialect == .openAI)
        #expect(endpoints[2].dialect == .anthropic && endpoints[2].batch?.maxRequests == 100_000 && endpoints[2].batch?.pollInterval == 30)
        #expect(endpoints[1].isBatchPriced && !endpoints[0].isBatchPriced)
    }

    /// `--deadline` takes a duration or a time of day, and needs a batch route.
    @Test func deadline() throws {
        let plan = try RunOptions.parse(["--requests_filepath", input, "--endpoint", "http://127.0.0.1:9/v1", "--endpoint", "batch:http://127.0.0.1:9/v1",
                                         "--deadline", "6h"]).makePlan(environment: [:])
        #expect(plan.configuration.deadline == 21_600)
        #expect(throws: ValidationError.self) {
            try RunOptions.parse(["--requests_filepath", input, "--endpoint", "http://127.0.0.1:9/v1", "--deadline", "6h"]).makePlan(environment: [:])
        }
        #expect(throws: ValidationError.self) {
            try RunOptions.parse(["--requests_filepath", input, "--endpoint", "batch:http://127.0.0.1:9/v1", "--deadline", "25:00"]).makePlan(environment: [:])
        }
        // 08:30 local time, from 09:00 local: tomorrow, 23.5 hours on.
        var calendar = Calendar.current
        calendar.timeZone = .current
        let nine = calendar.date(bySettingHour: 9, minute: 0, second: 0, of: Date())!.timeIntervalSince1970
        #expect(DeadlineText.secondsFromNow("08:30", now: nine) == 23.5 * 3600)
        #expect(DeadlineText.secondsFromNow("09:30", now: nine) == 1800)
        #expect(DeadlineText.secondsFromNow("9:3", now: nine) == nil && DeadlineText.secondsFromNow("8d", now: nine) == nil)
    }

    /// The endpoints file's batch keys: read, checked with a sentence, and refused on a real-time route.
    @Test func endpointsFileKeys() throws {
        let text = """
            - {name: b, url: "https://api.openai.com", route: batch, batch_max_requests: 1000, batch_fill_seconds: 5, poll_interval: 0.5, max_open_batches: 2}
            - {name: f, url: "https://api.openai.com", service_tier: flex}
            """
        let endpoints = try EndpointFile.parse(text, environment: [:], defaultKeyVariable: "OPENAI_API_KEY")
        #expect(endpoints[0].batch == { var s = BatchSettings(dialect: .openAI); s.maxRequests = 1000; s.fillSeconds = 5; s.pollInterval = 0.5; s.maxOpenBatches = 2; return s }())
        #expect(endpoints[1].serviceTier == "flex" && endpoints[1].isBatchPriced && endpoints[1].batch == nil)
        for (entry, words) in [("{url: \"http://h/v1\", batch_max_requests: 5}", "only a batch route takes"),
                               ("{url: \"http://h/v1\", route: batch, batch_max_requests: 60000}", "batch_max_requests from 1 to 50000"),
                               ("{url: \"http://h/v1\", route: batch, poll_interval: 0.01}", "poll_interval"),
                               ("{url: \"http://h/v1\", route: slow}", "realtime or batch"),
                               ("{url: \"http://h/v1\", service_tier: cheap}", "service_tier")] {
            do {
                _ = try EndpointFile.parse("- " + entry, environment: [:], defaultKeyVariable: "K")
                Issue.record("\(entry) was accepted")
            } catch {
                #expect(error.description.contains(words), "\(error.description)")
            }
        }
    }

    /// flex sets service_tier in each body; a batch route's items never stream.
    @Test func bodies() throws {
        var flex = EndpointConfiguration(url: EndpointURL("https://api.openai.com")!)
        flex.serviceTier = "flex"
        let record = RequestRecord(id: "r", line: 1, form: .chat, input: .null,
                                   body: .object([JSONField("model", "gpt-4o-mini"), JSONField("stream", true), JSONField("messages", [])]))
        let request = TransportRequest(for: Dispatch(attempt: Attempt(record: record, number: 1, previousEndpoint: nil), endpoint: 0),
                                       body: record.body, configuration: EngineConfiguration(endpoints: [flex]))
        #expect(try JSONParser.parse(request.body)["service_tier"] == "flex")
        var route = flex
        route.serviceTier = nil
        route.batch = BatchSettings(dialect: .openAI)
        let item = try JSONParser.parse(try BatchPayload.item(for: record, customID: "r", endpoint: route))
        #expect(item["body"]?["stream"] == nil && item["url"] == "/v1/chat/completions" && item["method"] == "POST" && item["custom_id"] == "r")
    }
}
