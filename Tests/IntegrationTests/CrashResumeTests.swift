import Engine
import Foundation
import MockLLM
import Testing
import TestSupport

#if canImport(Glibc)
import Glibc
#endif

/// kill -9 during a run, then the same command again: the files end with every id exactly once.
@Suite(.serialized, .tags(.integration)) struct CrashResumeTests {
    /// Starts the binary, kills it with SIGKILL after `seconds` (or lets it finish when nil); returns the exit status.
    func fanout(_ arguments: [String], killAfter seconds: Double?) async throws -> Int32 {
        let process = try BinaryTests.launch(arguments)
        if let seconds {
            try await Task.sleep(for: .seconds(seconds))
            kill(process.processIdentifier, SIGKILL)
        }
        process.waitUntilExit()
        return process.terminationStatus
    }

    /// Killed early, mid-run and with retries pending, then run to the end: every id once, every line whole,
    /// nothing saved is also in the errors file, and the last run reports what it resumed.
    @Test func killNineAndResume() async throws {
        let harness = try Harness()
        defer { harness.cleanUp() }
        let server = try await MockServer.start(behavior: MockBehavior(latency: 0.02, errorRate: 0.15))
        var lines = (1...3000).map { $0 % 7 == 0 ? #"{"custom_id":"c\#($0)","input":"prompt \#($0)"}"# : #"{"input":"prompt \#($0)"}"# }
        lines[1499] = "{torn"
        try harness.writeInput(lines)
        let command = ["--requests_filepath", harness.inputPath, "--save_filepath", harness.savePath,
                       "--max_requests_per_second", "1500", "--max_attempts", "8", "--endpoint", server.baseURL, "--no-tui"]
        for moment in [0.3, 0.9, 1.5] {
            let status = try await fanout(command, killAfter: moment)
            // The kill landed mid-run: the process died of it, with records written and records left.
            let written = (try Harness.read(harness.savePath).count) + (try Harness.read(harness.errorsPath).count)
            #expect(status == SIGKILL && written < 3000, "killed at \(moment) s: status \(status), \(written) records written")
        }
        let status = try await fanout(command, killAfter: nil)
        await server.stop()
        #expect(status == 1)
        let saved = try Harness.read(harness.savePath)
        let errors = try Harness.read(harness.errorsPath)
        let expected = Set((1...3000).map { $0 % 7 == 0 ? "c\($0)" : String($0) })
        let ids = (saved + errors).compactMap { $0["id"]?.stringValue }
        #expect(ids.count == 3000, "\(ids.count) records for 3000 lines")
        #expect(Set(ids) == expected)
        let savedIDs = Set(saved.compactMap { $0["id"]?.stringValue })
        #expect(errors.allSatisfy { !savedIDs.contains($0["id"]?.stringValue ?? "") })
        #expect(errors.contains { $0["line"] == 1500 })
        #expect(server.arrivals > 3000)
    }

    /// SIGTERM: requests in flight finish and are written, exit 143; the same command then finishes the job.
    @Test func sigtermDrainsThenResumes() async throws {
        let harness = try Harness()
        defer { harness.cleanUp() }
        let server = try await MockServer.start(behavior: MockBehavior(latency: 0.2))
        try harness.writeInput(Harness.prompts(2000))
        let command = ["--requests_filepath", harness.inputPath, "--save_filepath", harness.savePath, "--max_requests_per_second", "500",
                       "--endpoint", server.baseURL, "--no-tui"]
        let out = Pipe()
        let process = try BinaryTests.launch(command, stdout: out)
        try await Task.sleep(for: .seconds(1))
        let arrivedBeforeSignal = server.arrivals
        process.terminate()
        let summary = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 143)
        #expect(summary.contains("fanout stopped"))
        let saved = try Harness.read(harness.savePath)
        #expect(saved.count == server.arrivals, "every request that reached the server before the stop was written")
        #expect(saved.count >= arrivedBeforeSignal && saved.count < 2000)
        #expect(try await fanout(command, killAfter: nil) == 0)
        await server.stop()
        let ids = try Harness.read(harness.savePath).compactMap { $0["id"]?.stringValue }
        #expect(ids.count == 2000 && Set(ids).count == 2000)
    }

    /// --restart empties both files and sends everything again.
    @Test func restartStartsOver() async throws {
        let harness = try Harness()
        defer { harness.cleanUp() }
        let server = try await MockServer.start()
        try harness.writeInput(Harness.prompts(100))
        let command = ["--requests_filepath", harness.inputPath, "--save_filepath", harness.savePath, "--max_requests_per_second", "0",
                       "--endpoint", server.baseURL, "--no-tui"]
        #expect(try await fanout(command, killAfter: nil) == 0)
        #expect(try await fanout(command, killAfter: nil) == 0)
        #expect(server.arrivals == 100)
        #expect(try await fanout(command + ["--restart"], killAfter: nil) == 0)
        await server.stop()
        #expect(server.arrivals == 200)
        #expect(try Harness.read(harness.savePath).count == 100)
    }

    /// A repeated custom_id is sent once; the repeat is an error record.
    @Test func duplicateIDs() async throws {
        let harness = try Harness()
        defer { harness.cleanUp() }
        let server = try await MockServer.start()
        let outcome = try await harness.run([#"{"custom_id":"x","input":"a"}"#, #"{"custom_id":"x","input":"b"}"#], endpoints: [Harness.endpoint(server)])
        await server.stop()
        #expect(server.arrivals == 1)
        #expect(outcome.errors.first?["error"]?.stringValue?.contains("duplicate id") == true)
    }
}
