import Engine
import Foundation
import Testing
import TestSupport
@testable import Report

@Suite struct ReportTests {
    static func data(snapshot: StatsSnapshot = Fixtures.streaming(), timeline: Timeline? = nil) -> ReportData {
        var built = Timeline()
        if let timeline { built = timeline } else {
            for second in 0..<200 {
                built.sample(at: Double(second), deltas: [.answers(endpoint: "gpu-a"): 12, .tokens(endpoint: "gpu-a"): 768, .errors(.server): second % 7 == 0 ? 1 : 0],
                             values: [.weight(endpoint: "gpu-a"): second < 100 ? 1 : 3, .inFlight(endpoint: nil): 40, .cap(endpoint: "gpu-a"): 64])
            }
        }
        let meta = ReportData.Meta(command: "fanout --requests_filepath in.jsonl", startedAt: 1_800_000_000, endedAt: 1_800_000_200,
                                   version: "0.1.0", source: "run", input: "in.jsonl", save: "out.jsonl", errors: "errors.jsonl",
                                   endpoints: [("gpu-a", "http://10.0.0.5:8000/v1")])
        return ReportData(meta: meta, snapshot: snapshot, timeline: built,
                          actions: [OperatorAction(at: 100, command: .setWeight(endpoint: 0, weight: 3), endpoint: "gpu-a", source: .key),
                                    OperatorAction(at: 150, command: .pause, source: .control)])
    }

    /// The page is self-contained (no src, href, url() or import: nothing to fetch), draws a chart per
    /// timeline and distribution, marks the operator's actions, and escapes what the run named.
    @Test func selfContainedPage() {
        var snapshot = Fixtures.streaming()
        snapshot.endpoints[0].name = "<gpu & co>"
        let html = ReportHTML.render(Self.data(snapshot: snapshot))
        for reference in ["src=", "href=", "url(", "@import", "<link", "<iframe"] { #expect(!html.contains(reference), "\(reference)") }
        #expect(html.components(separatedBy: "<svg class=\"chart\"").count - 1 >= 8)
        #expect(html.contains("weight gpu-a → 3") && html.contains(">pause<"))
        #expect(html.contains("<td>pause</td><td>control client</td>") && html.contains(">key<"), "the actions table says who gave each")
        #expect(html.contains("&lt;gpu &amp; co&gt;") && !html.contains("<gpu & co>"))
        #expect(html.contains("p50 ") && html.contains("class=\"percentile\""))
        #expect(html.contains("goodput targets") && html.contains("ttft ≤ 500ms, tpot ≤ 50ms"))
    }

    /// The JSON carries the same figures under schema fanout-report/1.
    @Test func jsonSchema() throws {
        let json = Self.data().json
        #expect(json["schema"] == "fanout-report/1")
        #expect(json["meta"]?["slo"]?["ttft_ms"] == 500 && json["meta"]?["started_at"] == "2027-01-15T08:00:00.000Z")
        #expect(json["summary"]?["records"] == 4326 && json["summary"]?["good"] == 3526)
        #expect(json["endpoints"]?[0]?["ttft_ms"]?["p50"] != nil && json["endpoints"]?[0]?["ttft_bins"]?["counts"] != nil)
        #expect(json["timeline"]?["points"] == 200 && json["timeline"]?["counts"]?["answers/gpu-a"]?[0] == 12)
        #expect(json["actions"]?[1]?["what"] == "pause" && json["actions"]?[1]?["at_s"] == 150)
        #expect(json["actions"]?[0]?["source"] == "key" && json["actions"]?[1]?["source"] == "control")
    }

    /// A 10-hour run sampled every 100 ms makes a report well under 2 MB, HTML and JSON together.
    @Test func tenHourReportStaysSmall() {
        var timeline = Timeline()
        for tenth in 0..<(36_000 * 10) {
            let time = Double(tenth) / 10
            var deltas: [TimelineSeries: Double] = [:]
            var values: [TimelineSeries: Double] = [.inFlight(endpoint: nil): Double(tenth % 500), .targetRate: 2000]
            for endpoint in ["a", "b", "c"] {
                deltas[.answers(endpoint: endpoint)] = 60
                deltas[.tokens(endpoint: endpoint)] = 3000
                deltas[.retries(endpoint: endpoint)] = tenth % 13 == 0 ? 1 : 0
                values[.weight(endpoint: endpoint)] = 1
                values[.cap(endpoint: endpoint)] = Double(100 + tenth % 7)
            }
            deltas[.errors(.rateLimited)] = tenth % 17 == 0 ? 1 : 0
            timeline.sample(at: time, deltas: deltas, values: values)
        }
        var snapshot = Fixtures.streaming()
        snapshot.elapsed = 36_000
        let data = Self.data(snapshot: snapshot, timeline: timeline)
        let size = ReportHTML.render(data).utf8.count + data.json.encodedBytes.count
        #expect(size < 2_000_000, "\(size) bytes")
        #expect(timeline.length <= Timeline.maxPoints)
    }

    /// Keys and credentials never reach the report's command line.
    @Test func redactedCommand() {
        let command = ReportData.redactedCommand(["fanout", "--endpoint", "https://user:hunter2@gpu:8000/v1?api-key=abc&x=1",
                                                  "--api_key_env", "MY_KEY", "--token", "t0p", "--secret=s3"])
        #expect(!command.contains("hunter2") && !command.contains("abc") && !command.contains("t0p") && !command.contains("s3"))
        #expect(command.contains("https://REDACTED@gpu:8000/v1?api-key=REDACTED&x=1") && command.contains("--api_key_env MY_KEY"))
        #expect(command.contains("--token REDACTED") && command.contains("--secret=REDACTED"))
    }

    /// Only real secrets are hidden: an endpoint's @weight is not userinfo and --max_tokens holds no token.
    @Test func redactsOnlySecrets() {
        let command = ReportData.redactedCommand(["fanout", "--endpoint", "http://127.0.0.1:8001@3", "--max_tokens", "64",
                                                  "--endpoint", "http://u:pw@gpu:8000/v1@2", "--api_key=sk-live"])
        #expect(command.contains("http://127.0.0.1:8001@3") && command.contains("--max_tokens 64"), "\(command)")
        #expect(command.contains("http://REDACTED@gpu:8000/v1@2") && command.contains("--api_key=REDACTED") && !command.contains("sk-live"))
    }

    /// Hostile numbers (latency 9e15 or 1e309, tokens ±2⁶³, started_at 0 beside now) are skipped like
    /// non-records, and extremes inside the bounds (a week's latency, a 26-year span) rebuild at once.
    @Test func hostileNumbersAreSkipped() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("report-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let now = 1_800_000_000
        let lines = [
            #"{"id":"1","endpoint":"a","latency_ms":9e15,"started_at":\#(now)}"#,
            #"{"id":"2","endpoint":"a","latency_ms":1e309,"started_at":\#(now)}"#,
            #"{"id":"3","endpoint":"a","latency_ms":100,"started_at":0}"#,
            #"{"id":"4","endpoint":"a","latency_ms":100,"started_at":\#(now),"usage":{"prompt_tokens":-9223372036854775808,"completion_tokens":9223372036854775807}}"#,
            #"{"id":"5","endpoint":"a","latency_ms":100,"started_at":\#(now),"itl_ms":[1,-5]}"#,
            #"{"id":"6","endpoint":"a","latency_ms":604800000,"started_at":\#(now),"usage":{"prompt_tokens":1000000000000,"completion_tokens":5}}"#,
            #"{"id":"7","endpoint":"a","latency_ms":100,"attempts":1000000,"started_at":1000000000}"#,
        ]
        try (lines.joined(separator: "\n") + "\n").write(toFile: directory + "/out.jsonl", atomically: true, encoding: .utf8)
        var rebuild = ReportRebuild()
        try rebuild.read(directory + "/out.jsonl", failures: false)
        #expect(rebuild.skipped == 5 && rebuild.rows.count == 2)
        let data = rebuild.data(save: "out.jsonl", errors: "", version: "test")
        #expect(data.snapshot.succeeded == 2)
        _ = ReportHTML.render(data)
    }

    /// Three shards' files in any order make one report: totals summed, endpoints merged by name,
    /// errors lines told from save lines by their content, and it says it covers three runs.
    @Test func fleetOfFiles() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("report-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        var rebuild = ReportRebuild()
        for shard in 0..<3 {
            var save = ""
            for index in 0..<10 {
                save += #"{"id":"\#(shard)-\#(index)","response":"y","endpoint":"gpu-\#(index % 2)","attempts":1,"latency_ms":\#(100 * (shard + 1)),"started_at":\#(1_800_000_000 + shard * 5 + index)}"# + "\n"
            }
            let errors = #"{"id":"\#(shard)-x","error":"HTTP 503: busy","status":503,"attempts":3,"endpoint":"gpu-0","line":11,"started_at":1800000003}"# + "\n"
            try errors.write(toFile: directory + "/\(shard)_errors.jsonl", atomically: true, encoding: .utf8)
            try save.write(toFile: directory + "/\(shard)_results.jsonl", atomically: true, encoding: .utf8)
            try rebuild.read(directory + "/\(shard)_errors.jsonl")
            try rebuild.read(directory + "/\(shard)_results.jsonl")
        }
        #expect(rebuild.saveFiles == 3)
        let data = rebuild.data(save: "", errors: "", runs: rebuild.saveFiles, version: "test")
        #expect(data.snapshot.succeeded == 30 && data.snapshot.failed == 3)
        #expect(data.snapshot.endpoints.map(\.name).sorted() == ["gpu-0", "gpu-1"])
        #expect(data.snapshot.endpoints.first { $0.name == "gpu-0" }?.failedRecords == 3)
        #expect(data.json["meta"]?["runs"] == 3 && data.json["summary"]?["saved"] == 30)
        #expect(data.meta.coverage.hasPrefix("every record in the files") && data.meta.coverage.contains("3 runs or shards"))
        #expect(abs(data.snapshot.elapsed - 19.3) < 0.01, "aligned by wall time: shard 2 starts 10 s after shard 0")
    }

    /// Save and errors lines rebuild the summary, per-endpoint figures and the timeline; Batch lines
    /// give totals; lines that are not records are counted, not trusted.
    @Test func rebuildsFromFiles() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("report-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        var save = ""
        for index in 0..<50 {
            save += #"{"id":"\#(index)","input":"x","response":"y","endpoint":"\#(index % 2 == 0 ? "a" : "b")","attempts":1,"latency_ms":200,"usage":{"prompt_tokens":5,"completion_tokens":10},"ttft_ms":50,"e2e_ms":200,"output_tokens":10,"itl_ms":[10,20],"started_at":\#(1_800_000_000 + Double(index) / 10)}"# + "\n"
        }
        save += "not json\n"
        let errors = #"{"id":"x","input":"x","error":"HTTP 503: busy","status":503,"attempts":3,"endpoint":"a","line":9,"started_at":1800000002.5}"# + "\n"
        try save.write(toFile: directory + "/out.jsonl", atomically: true, encoding: .utf8)
        try errors.write(toFile: directory + "/errors.jsonl", atomically: true, encoding: .utf8)
        var rebuild = ReportRebuild()
        try rebuild.read(directory + "/out.jsonl", failures: false)
        try rebuild.read(directory + "/errors.jsonl", failures: true)
        let data = rebuild.data(save: "out.jsonl", errors: "errors.jsonl", version: "test")
        #expect(rebuild.skipped == 1 && data.snapshot.succeeded == 50 && data.snapshot.failed == 1)
        #expect(data.snapshot.errorsByKind[.server] == 1 && data.snapshot.sent == 53 && data.snapshot.retries == 2)
        #expect(data.snapshot.endpoints.map(\.name) == ["a", "b"] && data.snapshot.endpoints[0].tokens.ttft.p50 != nil)
        #expect(abs((data.snapshot.tokens.itl.p50 ?? 0) - 0.01) < 0.0001)
        #expect(data.timeline.length >= 5 && data.timeline.counts[.answers(endpoint: "a")]!.reduce(0, +) == 25)
        #expect(data.meta.source == "files" && data.actions.isEmpty)

        let batch = #"{"id":"batch_req_1","custom_id":"a","response":{"status_code":200,"body":{"usage":{"prompt_tokens":3,"completion_tokens":4}}},"error":null}"#
            + "\n" + #"{"id":"batch_req_2","custom_id":"b","response":null,"error":{"code":"rate_limited","message":"HTTP 429"}}"# + "\n"
        try batch.write(toFile: directory + "/batch.jsonl", atomically: true, encoding: .utf8)
        var batchRebuild = ReportRebuild()
        try batchRebuild.read(directory + "/batch.jsonl", failures: false)
        let totals = batchRebuild.data(save: "batch.jsonl", errors: "", version: "test").snapshot
        #expect(totals.succeeded == 1 && totals.failed == 1 && totals.errorsByKind[.rateLimited] == 1 && totals.completionTokens == 4)
    }

    /// Anthropic's Message Batches lines (`--output_format anthropic-batch`) give totals too: an
    /// errored result is a failure of its kind, never a success; usage is read as input/output tokens.
    @Test func rebuildsMessageBatchesLines() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("report-\(UUID().uuidString).jsonl").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let lines = [
            #"{"custom_id":"a","result":{"type":"succeeded","message":{"type":"message","content":[],"usage":{"input_tokens":7,"output_tokens":9}}}}"#,
            #"{"custom_id":"b","result":{"type":"errored","error":{"type":"error","error":{"type":"rate_limit_error","message":"HTTP 429"}}}}"#,
            #"{"custom_id":"c","result":{"type":"errored","error":{"type":"error","error":{"type":"invalid_request_error","message":"line 3: not valid JSON"}}}}"#,
            #"{"custom_id":"d","result":{"type":"errored","error":{"type":"error","error":{"type":"overloaded_error","message":"HTTP 529"}}}}"#,
        ]
        try (lines.joined(separator: "\n") + "\n").write(toFile: path, atomically: true, encoding: .utf8)
        var rebuild = ReportRebuild()
        try rebuild.read(path)
        let totals = rebuild.data(save: path, errors: "", version: "test").snapshot
        #expect(totals.succeeded == 1 && totals.failed == 3 && totals.promptTokens == 7 && totals.completionTokens == 9)
        #expect(totals.errorsByKind == [.rateLimited: 1, .badInput: 1, .overloaded: 1])
    }

    /// Commands are worded for the report: drains, rates, weights with their endpoint's name.
    @Test func actionWords() {
        #expect(OperatorAction(at: 0, command: .setWeight(endpoint: 0, weight: 0), endpoint: "a").what == "drain a")
        #expect(OperatorAction(at: 0, command: .setRate(1600)).what == "rate → 1600/s")
        #expect(OperatorAction(at: 0, command: .setRate(2.5)).what == "rate → 2.5/s")
        #expect(OperatorAction(at: 0, command: .setEndpointMaxInFlight(endpoint: 1, 8), endpoint: "gpu-b").what == "in-flight cap gpu-b → 8")
    }

    /// A burst of actions is one mark with a count, and no two labels on a row overlap, whatever the
    /// number of key presses; every action is in some mark's tooltip.
    @Test func actionLabelsNeverOverlap() {
        let burst = (0..<5).map { OperatorAction(at: 10 + Double($0) * 0.01, command: .setRate(125)) }
        let spread = (0..<60).map { OperatorAction(at: 20 + Double($0) * 2, command: .setWeight(endpoint: 0, weight: Double($0 + 1)), endpoint: "gpu-a") }
        let marks = ActionMarks.place(burst + spread) { 64 + $0 / 200 * 880 }
        #expect(marks.first?.label == "rate → 125/s +4" && marks.first?.count == 5)
        #expect(marks.map(\.count).reduce(0, +) == 65)
        for row in 0..<ActionMarks.rows {
            let onRow = marks.filter { $0.row == row }
            for (left, right) in zip(onRow, onRow.dropFirst()) {
                #expect(left.x + 3 + ActionMarks.width(left.label) + 4 <= right.x, "\(left.label) overlaps \(right.label)")
            }
        }
    }

    /// The y axis ticks at 1, 2 or 5 times a power of ten, from 0 to at or above the peak, four to six of them.
    @Test(arguments: [0.7, 3, 9.5, 48, 130, 499, 1_000, 2_345, 70_000])
    func yTicksAreOneTwoFive(peak: Double) {
        let ticks = SVGChart.yTicks(peak)
        let step = ticks[1]
        let mantissa = step / pow(10, floor(log10(step)))
        #expect([1.0, 2, 5].contains { abs($0 - mantissa) < 1e-9 }, "\(ticks)")
        #expect(ticks.first == 0 && ticks.last! >= peak && ticks.count >= 3 && ticks.count <= 6, "\(ticks)")
    }

    /// The last bucket of a run that ended 0.1 s into it is not drawn (no false drop at the end).
    @Test func lastPartialSecondIsNotADrop() {
        var timeline = Timeline()
        for second in 0..<10 { timeline.sample(at: Double(second) + 0.5, deltas: [.answers(endpoint: "gpu-a"): 100], values: [:]) }
        timeline.sample(at: 10.05, deltas: [.answers(endpoint: "gpu-a"): 10], values: [:])
        var snapshot = Fixtures.streaming()
        snapshot.elapsed = 10.1
        let html = ReportHTML.render(Self.data(snapshot: snapshot, timeline: timeline))
        let firstChart = html.components(separatedBy: "Answers per second")[1]
        let points = firstChart.components(separatedBy: #"points=""#)[1].components(separatedBy: "\"")[0].split(separator: " ")
        #expect(points.count == 10, "\(points)")
    }
}
