import Engine
import Foundation
import MockLLM
import Testing

@Suite(.serialized, .tags(.integration)) struct ReportBrowserTests {
    /// Runs a program to its end; returns its status, stdout and stderr.
    static func run(_ executable: String, _ arguments: [String]) throws -> (status: Int32, stdout: String, stderr: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: stdout, as: UTF8.self), String(decoding: stderr, as: UTF8.self))
    }

    static var chromium: String? {
        ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"].first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    /// A streamed run with --report writes the HTML and JSON and names them in the summary; a real
    /// browser (headless Chromium, which .ci/run installs: the test fails without it) loads the
    /// page offline with no console errors and counts the charts its script found drawn; the same
    /// report rebuilt from the files by `fanout report` loads too.
    @Test func reportOpensInABrowser() async throws {
        let browser = try #require(Self.chromium, "headless Chromium is needed: apt-get install chromium (.ci/run does)")
        let harness = try Harness()
        defer { harness.cleanUp() }
        var behavior = MockBehavior(latency: 0.05, secondsPerToken: 0.005)
        behavior.outputTokens = 10
        let server = try await MockServer.start(behavior: behavior)
        try harness.writeInput(Harness.prompts(300))
        let report = harness.directory.appendingPathComponent("run report.html").path
        let run = try BinaryTests().fanout(["--requests_filepath", harness.inputPath, "--save_filepath", harness.savePath,
                                            "--endpoint", server.baseURL, "--stream", "--max_requests_per_second", "200",
                                            "--report", report, "--no-tui"])
        await server.stop()
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.contains("report: \(report)"))
        let json = try JSONParser.parse(Array(try Data(contentsOf: URL(fileURLWithPath: harness.directory.appendingPathComponent("run report.json").path))))
        #expect(json["summary"]?["saved"] == 300 && json["schema"] == "fanout-report/1")
        let saved = try Harness.read(harness.savePath)
        #expect(saved.allSatisfy { $0["started_at"]?.doubleValue != nil })
        let rebuilt = harness.directory.appendingPathComponent("rebuilt.html").path
        let rebuild = try BinaryTests().fanout(["report", harness.savePath, "--output", rebuilt])
        #expect(rebuild.status == 0 && rebuild.stdout.contains("300 records"), "\(rebuild.stderr)")
        for page in [report, rebuilt] {
            let loaded = try Self.run(browser, ["--headless", "--no-sandbox", "--disable-gpu", "--enable-logging=stderr", "--v=0",
                                                "--dump-dom", URL(fileURLWithPath: page).absoluteString])
            #expect(loaded.status == 0, "\(loaded.stderr)")
            let charts = loaded.stdout.firstMatch(of: /data-charts="(\d+)"/).flatMap { Int($0.1) } ?? 0
            #expect(charts >= 6, "charts drawn: \(charts)")
            #expect(!loaded.stderr.contains("Uncaught") && !loaded.stderr.contains(":ERROR:CONSOLE"), "\(loaded.stderr)")
        }
    }

    /// A report that cannot be written is said on stderr, and the exit code stays the run's.
    @Test func unwritableReportKeepsTheExitCode() async throws {
        let harness = try Harness()
        defer { harness.cleanUp() }
        let server = try await MockServer.start(behavior: MockBehavior(latency: 2))
        try harness.writeInput(Harness.prompts(5))
        let report = harness.directory.appendingPathComponent("r.html").path
        // A directory with something in it at the report's path, made once the run has started,
        // makes the rename into place fail.
        let arguments = ["--requests_filepath", harness.inputPath, "--save_filepath", harness.savePath,
                         "--endpoint", server.baseURL, "--report", report, "--no-tui"]
        let output = Pipe(), errors = Pipe()
        let process = try BinaryTests.launch(arguments, stdout: output, stderr: errors)
        try await Task.sleep(for: .milliseconds(700))
        try FileManager.default.createDirectory(atPath: report + "/occupied", withIntermediateDirectories: true)
        let stdout = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        let stderr = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        let run = BinaryTests.Run(status: process.terminationStatus, stdout: stdout, stderr: stderr)
        await server.stop()
        #expect(run.status == 0 && run.stderr.contains("the report could not be written"), "\(run.stderr)")
        var isDirectory: ObjCBool = false
        #expect(!run.stdout.contains("report: ") && FileManager.default.fileExists(atPath: report, isDirectory: &isDirectory) && isDirectory.boolValue)
        #expect(try Harness.read(harness.savePath).count == 5)
    }
}
