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
        #expect(try binary.fanout(piped, input: Harness.prompts(5).joined(separator: "\n") + "\n").status == 0)
        let other = try binary.fanout(piped, input: (1...5).map { #"{"input":"other \#($0)"}"# }.joined(separator: "\n") + "\n")
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

    /// A server's 503 text with terminal escapes, BEL, backspace, the 8-bit CSI and a bidi override,
    /// and an endpoint name with escapes: nothing raw reaches stderr, stdout or the log; the errors
    /// file escapes U+009B and U+202E as \u sequences.
    @Test func terminalEscapesAreNeutralised() async throws {
        let harness = try Harness()
        defer { harness.cleanUp() }
        let hostile = "\u{1B}]0;pwned\u{07}\u{1B}[2J boom\u{08}\u{9B}31m \u{202E}gnp.exe"
        let body = Array(hostile.utf8)
        let reply = Array("HTTP/1.1 503 Service Unavailable\r\nContent-Type: text/plain\r\nContent-Length: \(body.count)\r\nConnection: close\r\n\r\n".utf8) + body
        let server = try await CannedServer.start(reply: reply)
        try harness.writeInput(Harness.prompts(2))
        let endpoints = harness.directory.appendingPathComponent("endpoints.yaml").path
        try "- name: \"evil\\e]0;title\\a\"\n  url: http://127.0.0.1:\(server.port)/v1\n".write(toFile: endpoints, atomically: true, encoding: .utf8)
        let log = harness.directory.appendingPathComponent("run.log").path
        let run = try binary.fanout(["--requests_filepath", harness.inputPath, "--save_filepath", harness.savePath, "--endpoints", endpoints,
                                     "--max_attempts", "1", "--no-tui", "--log_level", "info", "--log_file", log])
        #expect(run.status == 1, "\(run.stderr)")
        for (name, text) in [("stdout", run.stdout), ("stderr", run.stderr), ("log", try String(contentsOfFile: log, encoding: .utf8))] {
            #expect(!text.unicodeScalars.contains { TerminalText.isUnsafe($0) }, "\(name) holds a raw control character")
        }
        #expect(run.stdout.contains("evil"))
        let errors = try String(contentsOfFile: harness.errorsPath, encoding: .utf8)
        #expect(errors.contains("\\u009b") && errors.contains("\\u202e") && !errors.contains("\u{9B}") && !errors.contains("\u{202E}"))
    }

    /// A proxy that echoes the credentials it was sent (raw, decoded and as Base64) in its reason
    /// phrase and body: they reach neither stderr, the log nor the errors file.
    @Test func echoedProxyCredentialsAreRedacted() async throws {
        let harness = try Harness()
        defer { harness.cleanUp() }
        let password = "s3cret-Proxy-pw"
        let base64 = Data("alice:\(password)".utf8).base64EncodedString()
        let body = Array("denied Proxy-Authorization: Basic \(base64) (alice:\(password))".utf8)
        let reply = Array("HTTP/1.1 502 Bad \(password) Gateway\r\nContent-Type: text/plain\r\nContent-Length: \(body.count)\r\nConnection: close\r\n\r\n".utf8) + body
        let proxy = try await CannedServer.start(reply: reply)
        try harness.writeInput(Harness.prompts(2))
        let log = harness.directory.appendingPathComponent("run.log").path
        let run = try binary.fanout(["--requests_filepath", harness.inputPath, "--save_filepath", harness.savePath,
                                     "--endpoint", "http://gpu.internal:8000/v1", "--proxy", "http://alice:\(password)@127.0.0.1:\(proxy.port)",
                                     "--max_attempts", "1", "--no-tui", "--log_level", "debug", "--log_file", log])
        #expect(run.status == 1, "\(run.stderr)")
        let texts = [run.stdout, run.stderr, try String(contentsOfFile: log, encoding: .utf8), try String(contentsOfFile: harness.errorsPath, encoding: .utf8)]
        for text in texts { #expect(!text.contains(password) && !text.contains(base64), "\(text)") }
        #expect(texts[3].contains("502"))
    }

    /// A relative --save_filepath: the sidecars name which file is the save file and which the errors file.
    @Test func sidecarsOfRelativePaths() async throws {
        let harness = try Harness()
        defer { harness.cleanUp() }
        let server = try await MockServer.start()
        try harness.writeInput(Harness.prompts(2))
        let process = Process()
        process.executableURL = BinaryTests.binary
        process.arguments = ["--requests_filepath", "in.jsonl", "--save_filepath", "out.jsonl", "--endpoint", server.baseURL, "--no-tui"]
        process.currentDirectoryURL = harness.directory
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        await server.stop()
        #expect(process.terminationStatus == 0)
        let save = try Harness.read(OutputOwner.sidecarPath(for: harness.savePath))
        let errors = try Harness.read(OutputOwner.sidecarPath(for: harness.errorsPath))
        #expect(save.first?["fanout_output"] == "save" && errors.first?["fanout_output"] == "errors")
    }
}
