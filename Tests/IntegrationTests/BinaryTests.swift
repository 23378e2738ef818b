import Engine
import Foundation
import MockLLM
import Testing

/// Runs the real `fanout` executable, built next to the test bundle.
@Suite(.serialized) struct BinaryTests {
    struct Run {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    static var binary: URL {
        URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("fanout")
    }

    func fanout(_ arguments: [String], environment: [String: String] = [:]) throws -> Run {
        let process = Process()
        process.executableURL = Self.binary
        process.arguments = arguments
        process.environment = ["PATH": "/usr/bin:/bin"].merging(environment) { $1 }
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        try process.run()
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
}
