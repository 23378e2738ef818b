import Engine
import Foundation
import MockLLM
import Testing
import TestSupport

#if canImport(Glibc)
import Glibc
#endif

/// The promise at its edges, tried on the real binary: nothing skipped, nothing twice, outputs that
/// belong to their input, and runs that end.
@Suite(.serialized, .tags(.integration)) struct TrustTests {
    let binary = BinaryTests()

    /// A repeat of an id whose first copy is in flight when the process is killed: the rerun sends the
    /// first copy, and the repeat's error record is not written twice.
    @Test func duplicateOfARecordInFlightAtACrash() async throws {
        let harness = try Harness()
        defer { harness.cleanUp() }
        let server = try await MockServer.start(behavior: MockBehavior(latency: 4))
        try harness.writeInput([#"{"input":"first","id":"X"}"#, #"{"input":"second","id":"X"}"#])
        let command = ["--requests_filepath", harness.inputPath, "--save_filepath", harness.savePath,
                       "--endpoint", server.baseURL, "--no-tui"]
        _ = try await CrashResumeTests().fanout(command, killAfter: 1.5)
        #expect(try Harness.read(harness.errorsPath).count == 1)
        let rerun = try binary.fanout(command)
        await server.stop()
        #expect(rerun.status == 1, "stderr: \(rerun.stderr)")
        let saved = try Harness.read(harness.savePath)
        #expect(saved.count == 1 && saved.first?["input"] == "first")
        let errors = try Harness.read(harness.errorsPath)
        #expect(errors.count == 1 && errors.first?["line"] == 2)
    }

    /// Line 2 names id "5" and line 5 names none: line 5 is a repeat, reported by validate and the run;
    /// killed and rerun, every line still ends as exactly one record.
    @Test func lineNumberCollisionIsADuplicate() async throws {
        let harness = try Harness()
        defer { harness.cleanUp() }
        let server = try await MockServer.start()
        var lines = Harness.prompts(6)
        lines[1] = #"{"id":"5","input":"named five"}"#
        try harness.writeInput(lines)
        let options = ["--requests_filepath", harness.inputPath, "--save_filepath", harness.savePath,
                       "--endpoint", server.baseURL, "--max_requests_per_second", "0"]
        let command = options + ["--no-tui"]
        let check = try binary.fanout(["validate"] + options)
        #expect(check.status == 1 && check.stdout.contains("5 records to send, 0 bad lines, 1 duplicate id"), "\(check.stdout)")
        #expect(check.stdout.contains("line 5: duplicate id \"5\""))
        let run = try binary.fanout(command)
        #expect(run.status == 1)
        let again = try binary.fanout(command)
        await server.stop()
        #expect(again.status == 1 && again.stdout.contains("resumed: 6 already done"), "\(again.stdout)")
        #expect(server.arrivals == 5)
        let errors = try Harness.read(harness.errorsPath)
        #expect(errors.count == 1 && errors.first?["line"] == 5)
        #expect(try Harness.read(harness.savePath).count == 5)
    }

    /// Two inputs in one directory run side by side with default options: each gets its own errors
    /// file named after its save file, and says where it is. A shared errors file named on the command
    /// line still refuses another input's records (exit 2, naming --errors_filepath), and an
    /// errors.jsonl from before owners were recorded keeps working for its input.
    @Test func errorsFileBelongsToItsInput() async throws {
        let harness = try Harness()
        defer { harness.cleanUp() }
        let server = try await MockServer.start(behavior: MockBehavior(fixedStatus: 400))
        let a = harness.directory.appendingPathComponent("a.jsonl").path
        let b = harness.directory.appendingPathComponent("b.jsonl").path
        try "{\"input\":\"x\"}\n".write(toFile: a, atomically: true, encoding: .utf8)
        try "{\"input\":\"y\"}\n".write(toFile: b, atomically: true, encoding: .utf8)
        let first = try binary.fanout(["--requests_filepath", a, "--endpoint", server.baseURL, "--no-tui"])
        let second = try binary.fanout(["--requests_filepath", b, "--endpoint", server.baseURL, "--no-tui"])
        #expect(first.status == 1 && second.status == 1, "\(first.stderr)\n\(second.stderr)")
        let aErrors = harness.directory.appendingPathComponent("a_results_errors.jsonl").path
        #expect(first.stderr.contains("failed records go to \(aErrors)"))
        #expect(try Harness.read(aErrors).count == 1 && server.arrivals == 2)
        #expect(try Harness.read(harness.directory.appendingPathComponent("b_results_errors.jsonl").path).count == 1)

        let shared = harness.directory.appendingPathComponent("errors.jsonl").path
        let named = try binary.fanout(["--requests_filepath", a, "--endpoint", server.baseURL, "--no-tui", "--save_filepath",
                                       harness.directory.appendingPathComponent("a2.jsonl").path, "--errors_filepath", shared])
        #expect(named.status == 1 && server.arrivals == 3)
        for extra in [[String](), ["--restart"]] {
            let other = try binary.fanout(["--requests_filepath", b, "--endpoint", server.baseURL, "--no-tui", "--errors_filepath", shared] + extra)
            #expect(other.status == 2 && other.stderr.contains("--errors_filepath"), "\(other.stderr)")
        }
        #expect(try Harness.read(shared).count == 1 && server.arrivals == 3)

        // Files from before owners were recorded: a's save file and errors.jsonl beside it, no sidecars.
        let legacySave = harness.directory.appendingPathComponent("a_results.jsonl").path
        for path in [legacySave, aErrors] { try FileManager.default.removeItem(atPath: OutputOwner.sidecarPath(for: path)) }
        for path in [shared, OutputOwner.sidecarPath(for: shared)] { try FileManager.default.removeItem(atPath: path) }
        try FileManager.default.moveItem(atPath: aErrors, toPath: shared)
        let resumed = try binary.fanout(["--requests_filepath", a, "--endpoint", server.baseURL, "--no-tui"])
        await server.stop()
        #expect(resumed.status == 1 && resumed.stdout.contains("resumed: 1 already done") && server.arrivals == 3, "\(resumed.stdout)")
    }

    /// Save or errors paths that are the input through a symlink or a hard link are refused (exit 2).
    @Test func outputsThatAreTheInputByLink() async throws {
        let harness = try Harness()
        defer { harness.cleanUp() }
        let server = try await MockServer.start()
        try harness.writeInput([#"{"id":"a","input":"x"}"#])
        let symlink = harness.directory.appendingPathComponent("link.jsonl").path
        let hardlink = harness.directory.appendingPathComponent("hard.jsonl").path
        try FileManager.default.createSymbolicLink(atPath: symlink, withDestinationPath: harness.inputPath)
        try FileManager.default.linkItem(atPath: harness.inputPath, toPath: hardlink)
        for (option, path) in [("--save_filepath", symlink), ("--errors_filepath", hardlink), ("--save_filepath", hardlink)] {
            var arguments = ["--requests_filepath", harness.inputPath, "--endpoint", server.baseURL, "--no-tui", option, path]
            if option == "--errors_filepath" { arguments += ["--save_filepath", harness.savePath] }
            let run = try binary.fanout(arguments)
            #expect(run.status == 2 && run.stderr.contains("is the input file"), "\(option) \(path): \(run.stderr)")
        }
        await server.stop()
        #expect(server.arrivals == 0)
        #expect(try String(contentsOfFile: harness.inputPath, encoding: .utf8) == "{\"id\":\"a\",\"input\":\"x\"}\n")
    }

    /// The save file deleted mid-run, or its whole directory: the run stops with exit 3 and says why,
    /// instead of counting records written into a file nobody can find.
    @Test func outputRemovedMidRun() async throws {
        for removeDirectory in [false, true] {
            let harness = try Harness()
            defer { harness.cleanUp() }
            let server = try await MockServer.start(behavior: MockBehavior(latency: 0.02))
            try harness.writeInput(Harness.prompts(3000))
            let err = Pipe()
            let process = try BinaryTests.launch(["--requests_filepath", harness.inputPath, "--save_filepath", harness.savePath,
                                                  "--endpoint", server.baseURL, "--no-tui", "--max_requests_per_second", "500"], stderr: err)
            try await Task.sleep(for: .seconds(1))
            try FileManager.default.removeItem(atPath: removeDirectory ? harness.directory.path : harness.savePath)
            let stderr = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            process.waitUntilExit()
            await server.stop()
            #expect(process.terminationStatus == 3, "\(stderr)")
            #expect(stderr.contains("removed or replaced") || stderr.contains("deleted"), "\(stderr)")
            #expect(server.arrivals < 3000)
        }
    }

    /// A file-size limit (a full disk, in effect) stops the run with exit 3, and the summary counts only
    /// the lines that reached the file; a rerun sends the rest.
    @Test func summaryCountsWhatReachedTheFile() async throws {
        let harness = try Harness()
        defer { harness.cleanUp() }
        let server = try await MockServer.start()
        try harness.writeInput(Harness.prompts(400))
        let arguments = ["--requests_filepath", harness.inputPath, "--save_filepath", harness.savePath,
                         "--endpoint", server.baseURL, "--no-tui", "--max_requests_per_second", "0"]
        let quoted = ([BinaryTests.binary.path] + arguments).map { "'\($0)'" }.joined(separator: " ")
        let run = try binary.fanout(["-c", "ulimit -f 16; exec \(quoted)"], executable: URL(fileURLWithPath: "/bin/sh"))
        #expect(run.status == 3, "\(run.stderr)")
        let text = try String(contentsOfFile: harness.savePath, encoding: .utf8)
        let whole = text.split(separator: "\n", omittingEmptySubsequences: false).dropLast().count
        #expect(whole > 0 && whole < 400)
        #expect(run.stdout.contains(" \(whole) saved,"), "\(whole) lines on disk; \(run.stdout)")
        #expect(run.stdout.contains("never reached the files"))
        let rerun = try binary.fanout(arguments)
        await server.stop()
        #expect(rerun.status == 0, "\(rerun.stderr)")
        let ids = try Harness.read(harness.savePath).compactMap { $0["id"]?.stringValue }
        #expect(ids.count == 400 && Set(ids).count == 400)
    }

    /// stdout and stderr closed (`fanout … 2>&1 | head -1`): the run goes on and writes every record.
    @Test func closedConsoleDoesNotStopTheRun() async throws {
        let harness = try Harness()
        defer { harness.cleanUp() }
        let server = try await MockServer.start()
        try harness.writeInput(Harness.prompts(500))
        let pipe = Pipe()
        try pipe.fileHandleForReading.close()
        let process = try BinaryTests.launch(["--requests_filepath", harness.inputPath, "--save_filepath", harness.savePath,
                                              "--endpoint", server.baseURL, "--no-tui", "--max_requests_per_second", "200"],
                                             stdout: pipe, stderr: pipe)
        process.waitUntilExit()
        await server.stop()
        #expect(process.terminationStatus == 0)
        #expect(try Harness.read(harness.savePath).count == 500)
    }

    /// No endpoint reachable (a port nobody listens on): the run ends with exit 4 after
    /// --unreachable_after, names the endpoint's last error, writes no record, and progress lines say
    /// why no endpoint is usable; a rerun against a live endpoint sends everything.
    @Test func unreachableEndpointsEndTheRun() async throws {
        let harness = try Harness()
        defer { harness.cleanUp() }
        let gone = try await MockServer.start()
        let deadURL = gone.baseURL
        await gone.stop()
        try harness.writeInput(Harness.prompts(20))
        let run = try binary.fanout(["--requests_filepath", harness.inputPath, "--save_filepath", harness.savePath,
                                     "--endpoint", deadURL, "--no-tui", "--unreachable_after", "3"])
        #expect(run.status == 4, "\(run.stderr)")
        #expect(run.stderr.contains("no endpoint answered for 3s") && run.stderr.contains("connection refused"), "\(run.stderr)")
        #expect(run.stderr.contains("attempt errors") && run.stderr.contains("endpoints 0/1 usable ("), "\(run.stderr)")
        #expect(try Harness.read(harness.errorsPath).isEmpty && (try Harness.read(harness.savePath)).isEmpty)
        let server = try await MockServer.start()
        let rerun = try binary.fanout(["--requests_filepath", harness.inputPath, "--save_filepath", harness.savePath,
                                       "--endpoint", server.baseURL, "--no-tui"])
        await server.stop()
        #expect(rerun.status == 0 && server.arrivals == 20)
    }

    /// A key with a line break is refused at start (exit 2) naming the variable, never the value; an
    /// endpoint naming an unset api_key_env and the default OpenAI endpoint without a key get warnings.
    @Test func keysAreCheckedAtStart() async throws {
        let harness = try Harness()
        defer { harness.cleanUp() }
        let server = try await MockServer.start()
        try harness.writeInput(Harness.prompts(3))
        let broken = "sk-first-part\r\nX-Injected: value-after-break"
        let run = try binary.fanout(["--requests_filepath", harness.inputPath, "--endpoint", server.baseURL, "--no-tui"],
                                    environment: ["OPENAI_API_KEY": broken])
        #expect(run.status == 2 && run.stderr.contains("$OPENAI_API_KEY"), "\(run.stderr)")
        #expect(!run.stderr.contains("first-part") && !run.stderr.contains("value-after-break"))
        #expect(server.arrivals == 0)

        let file = harness.directory.appendingPathComponent("endpoints.yaml").path
        try "- name: gpu\n  url: \(server.baseURL)\n  api_key_env: GPU_KEY_NOT_SET\n".write(toFile: file, atomically: true, encoding: .utf8)
        let check = try binary.fanout(["validate", "--requests_filepath", harness.inputPath, "--endpoints", file])
        #expect(check.stdout.contains("warning: endpoint gpu names api_key_env GPU_KEY_NOT_SET, which is not set"), "\(check.stdout)")
        let local = try binary.fanout(["validate", "--requests_filepath", harness.inputPath, "--endpoint", server.baseURL])
        #expect(!local.stdout.contains("warning"))
        let hosted = try binary.fanout(["validate", "--requests_filepath", harness.inputPath])
        #expect(hosted.stdout.contains("warning: $OPENAI_API_KEY is not set"), "\(hosted.stdout)")
        let started = try binary.fanout(["--requests_filepath", harness.inputPath, "--endpoints", file, "--no-tui"])
        await server.stop()
        #expect(started.status == 0 && started.stderr.contains("warning: endpoint gpu names api_key_env GPU_KEY_NOT_SET"))
    }

    /// Numbers that used to trap, and negative numbers the parser took for flags, get one clear line and exit 2.
    @Test func numericOptionsAreBounded() throws {
        let harness = try Harness()
        defer { harness.cleanUp() }
        try harness.writeInput(Harness.prompts(1))
        let cases: [([String], String)] = [
            (["--timeout", "1e10"], "--timeout must be between"), (["--timeout", "inf"], "--timeout must be between"),
            (["--connect_timeout", "inf"], "--connect_timeout must be between"), (["--timeout", "nan"], "--timeout must be between"),
            (["--max_requests_per_second", "-5"], "--max_requests_per_second must be between 0 and 1,000,000"),
            (["--max_in_flight", "-1"], "--max_in_flight must be between"), (["--drain_timeout", "1e300"], "--drain_timeout must be between"),
            (["--max_response_bytes", "99999999999999"], "--max_response_bytes must be between"),
            (["--endpoint", "http://127.0.0.1:9@1e300"], "at most 1,000,000"),
        ]
        for (arguments, expected) in cases {
            let run = try binary.fanout(["--requests_filepath", harness.inputPath, "--no-tui"] + arguments)
            #expect(run.status == 2 && run.stderr.contains(expected), "\(arguments): \(run.stderr)")
            #expect(run.stderr.split(separator: "\n").count == 1, "\(arguments): \(run.stderr)")
            #expect(run.stderr.contains("(see fanout run --help)"))
        }
        let demo = try binary.fanout(["demo", "--duration", "inf", "--no-tui"])
        #expect(demo.status == 2 && demo.stderr.contains("(see fanout demo --help)"), "\(demo.stderr)")
    }

    /// An Azure-style deployment URL with `?api-version=…` is accepted and its requests are answered.
    @Test func azureDeploymentURL() async throws {
        let harness = try Harness()
        defer { harness.cleanUp() }
        let server = try await MockServer.start()
        try harness.writeInput(Harness.prompts(3))
        let url = "http://127.0.0.1:\(server.port)/openai/deployments/gpt-4o/chat/completions?api-version=2024-10-21"
        let run = try binary.fanout(["--requests_filepath", harness.inputPath, "--save_filepath", harness.savePath,
                                     "--endpoint", url, "--no-tui"])
        await server.stop()
        #expect(run.status == 0, "\(run.stderr)")
        #expect(try Harness.read(harness.savePath).count == 3 && server.arrivals == 3)
        #expect(!run.stdout.contains("api-version"))
    }
}
