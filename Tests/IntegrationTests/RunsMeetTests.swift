import Engine
import Foundation
import MockLLM
import Testing
import TestSupport

#if canImport(Glibc)
import Glibc
#endif

/// Runs that meet each other or a changed input, tried on the real binary: a second run on the same
/// files stops at start, a changed input is refused, an input that is not JSONL writes nothing.
@Suite(.serialized, .tags(.integration)) struct RunsMeetTests {
    let binary = BinaryTests()

    /// The same command twice at once: the second exits 2 within seconds, naming the first's pid and
    /// host, and nothing is sent twice; after a kill -9 of the first, the lock is not stale.
    @Test func secondRunOnTheSameFilesStops() async throws {
        let harness = try Harness()
        defer { harness.cleanUp() }
        let server = try await MockServer.start(behavior: MockBehavior(latency: 0.05))
        try harness.writeInput(Harness.prompts(400))
        let command = ["--requests_filepath", harness.inputPath, "--save_filepath", harness.savePath,
                       "--endpoint", server.baseURL, "--max_requests_per_second", "100", "--no-tui"]
        let first = try BinaryTests.launch(command)
        let lock = OutputLock.lockPath(for: harness.savePath)
        let deadline = Date().addingTimeInterval(10)
        while !FileManager.default.fileExists(atPath: lock) && Date() < deadline { try await Task.sleep(for: .milliseconds(50)) }
        #expect(FileManager.default.fileExists(atPath: lock))
        let started = Date()
        let second = try binary.fanout(command)
        #expect(second.status == 2 && Date().timeIntervalSince(started) < 5)
        #expect(second.stderr.contains("in use by another fanout run (pid \(first.processIdentifier) on"), "\(second.stderr)")
        kill(first.processIdentifier, SIGKILL)
        first.waitUntilExit()
        let rerun = try binary.fanout(command + ["--max_requests_per_second", "0"])
        await server.stop()
        #expect(rerun.status == 0, "\(rerun.stderr)")
        let ids = (try Harness.read(harness.savePath) + (try Harness.read(harness.errorsPath))).compactMap { $0["id"]?.stringValue }
        #expect(ids.count == 400 && Set(ids) == Set((1...400).map(String.init)))
        #expect(!FileManager.default.fileExists(atPath: lock))
    }

    /// A line inserted at the top of a finished input, or a different stream on stdin into the same
    /// files: exit 2 saying the input changed, and nothing more is sent or written.
    @Test func changedInputIsRefused() async throws {
        let harness = try Harness()
        defer { harness.cleanUp() }
        let server = try await MockServer.start()
        let prompts = Harness.prompts(10)
        try harness.writeInput(prompts)
        let command = ["--requests_filepath", harness.inputPath, "--save_filepath", harness.savePath, "--endpoint", server.baseURL, "--no-tui"]
        #expect(try binary.fanout(command).status == 0)
        try harness.writeInput([#"{"input":"new first line"}"#] + prompts)
        let edited = try binary.fanout(command)
        #expect(edited.status == 2 && edited.stderr.contains("input changed") && edited.stderr.contains("--restart"), "\(edited.stderr)")
        let savedAfterEdit = try Harness.read(harness.savePath).count
        #expect(server.arrivals == 10 && savedAfterEdit == 10)

        let stdinSave = harness.directory.appendingPathComponent("stdin.jsonl").path
        let piped = ["--requests_filepath", "-", "--save_filepath", stdinSave, "--endpoint", server.baseURL, "--no-tui"]
        #expect(try pipe(Harness.prompts(5).joined(separator: "\n"), into: piped).status == 0)
        let other = try pipe((1...5).map { #"{"input":"other \#($0)"}"# }.joined(separator: "\n"), into: piped)
        await server.stop()
        #expect(other.status == 2 && other.stderr.contains("input changed"), "\(other.stderr)")
        let savedFromStdin = try Harness.read(stdinSave).count
        #expect(server.arrivals == 15 && savedFromStdin == 5)
    }

    /// A JSON array or a CSV file stops at start with exit 2 and the hint, and no file is written.
    @Test func notJSONLStopsAtStart() async throws {
        let harness = try Harness()
        defer { harness.cleanUp() }
        for (text, hint) in [("[{\"input\":\"a\"},\n{\"input\":\"b\"}]\n", "jq -c '.[]'"), ("prompt,label\nhello,1\n", "CSV")] {
            try text.write(toFile: harness.inputPath, atomically: true, encoding: .utf8)
            let run = try binary.fanout(["--requests_filepath", harness.inputPath, "--endpoint", "http://127.0.0.1:9", "--no-tui"])
            #expect(run.status == 2 && run.stderr.contains(hint), "\(run.stderr)")
            let files = try FileManager.default.contentsOfDirectory(atPath: harness.directory.path)
            #expect(files == ["in.jsonl"], "\(files)")
        }
    }

    /// A report path whose temporary names are planted symlinks: the victim is untouched, the report
    /// is a regular file.
    @Test func plantedReportLinksAreNotFollowed() async throws {
        let harness = try Harness()
        defer { harness.cleanUp() }
        let server = try await MockServer.start()
        try harness.writeInput(Harness.prompts(3))
        let report = harness.directory.appendingPathComponent("rep.html").path
        let victim = harness.directory.appendingPathComponent("victim.txt").path
        try "precious".write(toFile: victim, atomically: true, encoding: .utf8)
        for planted in [report + ".partial", report + ".tmp", harness.savePath + ".fanout.json.tmp"] {
            try FileManager.default.createSymbolicLink(atPath: planted, withDestinationPath: victim)
        }
        let run = try binary.fanout(["--requests_filepath", harness.inputPath, "--save_filepath", harness.savePath,
                                     "--endpoint", server.baseURL, "--no-tui", "--report", report])
        await server.stop()
        #expect(run.status == 0, "\(run.stderr)")
        #expect(try String(contentsOfFile: victim, encoding: .utf8) == "precious")
        #expect(FileIdentity(linkAt: report)?.isRegular == true)
    }

    private func pipe(_ text: String, into arguments: [String]) throws -> BinaryTests.Run {
        let process = Process()
        process.executableURL = BinaryTests.binary
        process.arguments = arguments
        let input = Pipe(), out = Pipe(), err = Pipe()
        process.standardInput = input
        process.standardOutput = out
        process.standardError = err
        try process.run()
        input.fileHandleForWriting.write(Data((text + "\n").utf8))
        try input.fileHandleForWriting.close()
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return BinaryTests.Run(status: process.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self),
                               stderr: String(decoding: stderr, as: UTF8.self))
    }
}
