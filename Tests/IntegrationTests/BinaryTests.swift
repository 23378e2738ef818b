import Engine
import Foundation
import MockLLM
import Testing
import TestSupport

/// Runs the real `fanout` executable, built next to the test bundle.
@Suite(.serialized, .tags(.integration)) struct BinaryTests {
    struct Run {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    static var binary: URL {
        URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("fanout")
    }

    /// The release build beside the debug one (`scripts/test` builds it), else the debug binary.
    static var releaseBinary: URL {
        let debug = binary.deletingLastPathComponent()
        let release = debug.deletingLastPathComponent().appendingPathComponent("release").appendingPathComponent("fanout")
        return FileManager.default.isExecutableFile(atPath: release.path) ? release : binary
    }

    /// Starts the binary without waiting; output goes where the caller says (nowhere by default).
    static func launch(_ arguments: [String], stdout: Any = FileHandle.nullDevice, stderr: Any = FileHandle.nullDevice,
                       executable: URL = BinaryTests.binary) throws -> Process {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        process.standardOutput = stdout
        process.standardError = stderr
        process.standardInput = FileHandle.nullDevice
        try process.run()
        return process
    }

    /// - Parameter input: what the binary reads on stdin (nothing when nil).
    func fanout(_ arguments: [String], environment: [String: String] = [:], executable: URL = BinaryTests.binary,
                input: String? = nil) throws -> Run {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        process.environment = ["PATH": "/usr/bin:/bin"].merging(environment) { $1 }
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        let stdin = input.map { _ in Pipe() }
        process.standardInput = stdin ?? FileHandle.nullDevice
        try process.run()
        if let stdin, let input {
            stdin.fileHandleForWriting.write(Data(input.utf8))
            try stdin.fileHandleForWriting.close()
        }
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Run(status: process.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self),
                   stderr: String(decoding: stderr, as: UTF8.self))
    }

    /// The seed's command line against two local servers: 3:1 split, every id once, exit 1 for a bad line,
    /// and the API key nowhere in the outputs.
    @Test func seedCommandLine() async throws {
        #expect(FileManager.default.isExecutableFile(atPath: Self.binary.path), "build the fanout product first")
        let harness = try Harness()
        defer { harness.cleanUp() }
        let a = try await MockServer.start()
        let b = try await MockServer.start()
        var lines = Harness.prompts(600)
        lines[99] = "{not json"
        try harness.writeInput(lines)
        let secret = "sk-integration-secret-0123456789"
        let run = try fanout(["--requests_filepath", harness.inputPath, "--max_requests_per_second", "300", "--max_attempts", "3",
                              "--save_filepath", harness.savePath, "--endpoint", a.baseURL + "@3", "--endpoint", b.baseURL + "@1"],
                             environment: ["OPENAI_API_KEY": secret])
        await a.stop(); await b.stop()
        #expect(run.status == 1, "stderr: \(run.stderr)")
        let saved = try Harness.read(harness.savePath)
        let errors = try Harness.read(harness.errorsPath)
        #expect(saved.count == 599 && errors.count == 1)
        #expect(errors.first?["line"] == 100)
        let ids = (saved + errors).compactMap { $0["id"]?.stringValue }
        #expect(Set(ids) == Set((1...600).map(String.init)) && ids.count == 600)
        #expect(a.arrivals == 449 || a.arrivals == 450)
        #expect(run.stdout.contains("599 saved, 1 failed"))
        for text in [run.stdout, run.stderr, try String(contentsOfFile: harness.savePath, encoding: .utf8),
                     try String(contentsOfFile: harness.errorsPath, encoding: .utf8)] {
            #expect(!text.contains(secret))
        }
    }

    /// A clean run exits 0; kebab-case flags and a default save path work.
    @Test func cleanRunExitsZero() async throws {
        let harness = try Harness()
        defer { harness.cleanUp() }
        let server = try await MockServer.start()
        try harness.writeInput(Harness.prompts(50))
        let run = try fanout(["--requests-filepath", harness.inputPath, "--max-requests-per-second", "0", "--endpoint", server.baseURL])
        await server.stop()
        #expect(run.status == 0, "stderr: \(run.stderr)")
        let defaultSave = harness.directory.appendingPathComponent("in_results.jsonl").path
        #expect(try Harness.read(defaultSave).count == 50)
    }

    /// Usage errors exit 2 with one line on stderr, and nothing is sent.
    @Test func usageErrorsExitTwo() async throws {
        let harness = try Harness()
        defer { harness.cleanUp() }
        let server = try await MockServer.start()
        try harness.writeInput(Harness.prompts(5))
        for arguments in [["--requests_filepath", harness.directory.path + "/missing.jsonl"],
                          ["--requests_filepath", harness.inputPath, "--endpoint", server.baseURL + "@-1"],
                          ["--requests_filepath", harness.inputPath, "--max_attempts", "0"],
                          ["--requests_filepath", harness.inputPath, "--save_filepath", harness.inputPath]] {
            let run = try fanout(arguments + ["--endpoint", server.baseURL])
            #expect(run.status == 2, "\(arguments): \(run.stderr)")
            #expect(run.stderr.split(separator: "\n").count <= 2, "\(run.stderr)")
        }
        await server.stop()
        #expect(server.arrivals == 0)
    }

    /// `fanout validate` reads the file as a run would and sends nothing: bad lines and duplicate ids by
    /// line number, tokens, and the time the rate limit allows; exit 1 because some lines would fail.
    @Test func validateSendsNothing() async throws {
        let harness = try Harness()
        defer { harness.cleanUp() }
        let server = try await MockServer.start()
        try harness.writeInput([#"{"custom_id":"a","input":"abcd"}"#, #"{"custom_id":"b","input":"abcd"}"#, #"{"custom_id":"c","input":"abcd"}"#,
                                #"{"custom_id":"d","input":"abcd"}"#, #"{"custom_id":"a","input":"again"}"#, "{broken"])
        let run = try fanout(["validate", "--requests_filepath", harness.inputPath, "--save_filepath", harness.savePath,
                              "--endpoint", server.baseURL, "--max_requests_per_second", "2", "--max_tokens", "10"])
        await server.stop()
        #expect(run.status == 1, "stderr: \(run.stderr)")
        #expect(server.arrivals == 0 && !FileManager.default.fileExists(atPath: harness.savePath))
        #expect(run.stdout.contains("4 records to send, 1 bad line, 1 duplicate id"))
        #expect(run.stdout.contains("line 5: duplicate id \"a\"") && run.stdout.contains("line 6: id 6: not valid JSON"))
        #expect(run.stdout.contains("estimated tokens: 44"))
        #expect(run.stdout.contains("estimated time: at least 2s, bound by the request rate limit"))
        #expect(run.stdout.contains("started now, it would finish ") && run.stdout.contains(" at the earliest"))
    }

    /// --log_level with --log_file: retries and the run's start and end are logged to the file, in
    /// lines, never with the key; nothing of the log reaches stderr.
    @Test func logsToAFile() async throws {
        let harness = try Harness()
        defer { harness.cleanUp() }
        let server = try await MockServer.start(behavior: MockBehavior(failFirst: 1))
        try harness.writeInput(Harness.prompts(5))
        let log = harness.directory.appendingPathComponent("run.log").path
        let secret = "sk-log-secret-0123456789abcdef"
        let run = try fanout(["--requests_filepath", harness.inputPath, "--save_filepath", harness.savePath, "--endpoint", server.baseURL,
                              "--no-tui", "--log_level", "debug", "--log_file", log],
                             environment: ["OPENAI_API_KEY": secret])
        await server.stop()
        #expect(run.status == 0, "stderr: \(run.stderr)")
        let text = try String(contentsOfFile: log, encoding: .utf8)
        #expect(text.contains(" info fanout: run started"))
        #expect(text.components(separatedBy: " debug fanout: retrying").count == 6)
        #expect(text.contains(" info fanout: run finished") && text.contains("succeeded=5"))
        #expect(!text.contains(secret) && !run.stderr.contains("fanout: retrying"))
    }

    /// A --metrics_port that is taken stops the run before anything is sent, with exit code 2.
    @Test func busyMetricsPort() async throws {
        let harness = try Harness()
        defer { harness.cleanUp() }
        let server = try await MockServer.start()
        let taken = try await MetricsServer.start(port: 0) { StatsSnapshot() }
        try harness.writeInput(Harness.prompts(3))
        let run = try fanout(["--requests_filepath", harness.inputPath, "--save_filepath", harness.savePath, "--endpoint", server.baseURL,
                              "--no-tui", "--metrics_port", String(taken.port)])
        await taken.stop()
        await server.stop()
        #expect(run.status == 2 && run.stderr.contains("cannot serve metrics on 127.0.0.1:\(taken.port)"))
        #expect(server.arrivals == 0)
    }

    /// As an unprivileged user (nobody), the run connects, sends and saves everything: the transport sets
    /// TCP_NODELAY at the TCP level, not SO_DEBUG (which needs CAP_NET_ADMIN and failed every connect).
    @Test func runsAsAnUnprivilegedUser() async throws {
        #expect(FileManager.default.isExecutableFile(atPath: "/usr/bin/setpriv"), "setpriv (util-linux) is needed")
        let harness = try Harness()
        defer { harness.cleanUp() }
        chmod(harness.directory.path, 0o777)
        let server = try await MockServer.start()
        try harness.writeInput(Harness.prompts(200))
        chmod(harness.inputPath, 0o644)
        let unprivileged = ["--reuid", "65534", "--regid", "65534", "--clear-groups", Self.binary.path]
        let run = try fanout(unprivileged + ["--requests_filepath", harness.inputPath, "--save_filepath", harness.savePath,
                                             "--endpoint", server.baseURL, "--no-tui"],
                             environment: ["HOME": harness.directory.path], executable: URL(fileURLWithPath: "/usr/bin/setpriv"))
        await server.stop()
        #expect(run.status == 0, "stderr: \(run.stderr)")
        #expect(try Harness.read(harness.savePath).count == 200)
        #expect(!run.stderr.contains("socket error"))
    }
}

