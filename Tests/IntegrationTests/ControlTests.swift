import Engine
import Foundation
import MockLLM
import Testing
import TestSupport

#if canImport(Glibc)
import Glibc
#endif

/// The control endpoint of the real binary: over its socket and over TCP, with hostile clients.
@Suite(.serialized, .tags(.integration)) struct ControlTests {
    /// A headless run of the binary with its own control directory.
    struct BackgroundRun {
        let process: Process
        let controlDirectory: String
        let stderr: URL

        static func start(_ arguments: [String], harness: Harness, environment: [String: String] = [:]) throws -> BackgroundRun {
            let controlDirectory = harness.directory.appendingPathComponent("control").path
            let stderr = harness.directory.appendingPathComponent("run-\(UUID().uuidString.prefix(6)).err")
            FileManager.default.createFile(atPath: stderr.path, contents: nil)
            let process = Process()
            process.executableURL = BinaryTests.binary
            process.arguments = arguments + ["--no-tui"]
            process.environment = ["PATH": "/usr/bin:/bin", "HOME": harness.directory.path, "FANOUT_CONTROL_DIR": controlDirectory]
                .merging(environment) { $1 }
            process.standardInput = FileHandle.nullDevice
            process.standardOutput = FileHandle.nullDevice
            process.standardError = try FileHandle(forWritingTo: stderr)
            try process.run()
            return BackgroundRun(process: process, controlDirectory: controlDirectory, stderr: stderr)
        }

        var socketPath: String { controlDirectory + "/\(process.processIdentifier).sock" }
        var entryPath: String { controlDirectory + "/\(process.processIdentifier).json" }
        var errors: String { (try? String(contentsOf: stderr, encoding: .utf8)) ?? "" }

        func waitForExit(_ seconds: Double = 60) async -> Int32? {
            let deadline = Date().addingTimeInterval(seconds)
            while process.isRunning && Date() < deadline { try? await Task.sleep(for: .milliseconds(50)) }
            return process.isRunning ? nil : process.terminationStatus
        }
    }

    /// curl's output for `arguments` (silent, at most 2 s unless they say otherwise).
    static func curl(_ arguments: [String]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/curl")
        process.arguments = ["-s", "--max-time", "2"] + arguments
        let out = Pipe()
        process.standardOutput = out
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: data, as: UTF8.self)
    }

    static func waitFor(_ seconds: Double, _ condition: () async throws -> Bool) async rethrows -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if try await condition() { return true }
            try? await Task.sleep(for: .milliseconds(50))
        }
        return try await condition()
    }

    static func mode(_ path: String) -> mode_t? {
        var info = stat()
        return lstat(path, &info) == 0 ? info.st_mode & 0o777 : nil
    }

    static func ids(_ harness: Harness) throws -> [String] {
        (try Harness.read(harness.savePath) + Harness.read(harness.errorsPath)).compactMap { $0["id"]?.stringValue }
    }

    /// The default socket is 0600 in a 0700 directory; status, events and commands work over it; pause
    /// stops arrivals at the server; stop ends the run with exit 5; the socket and the entry go with it.
    @Test func socketStatusEventsAndCommands() async throws {
        let harness = try Harness()
        defer { harness.cleanUp() }
        let server = try await MockServer.start(behavior: MockBehavior(latency: 0.005))
        try harness.writeInput(Harness.prompts(3000))
        let run = try BackgroundRun.start(["--requests_filepath", harness.inputPath, "--save_filepath", harness.savePath,
                                           "--max_requests_per_second", "200", "--endpoint", server.baseURL + "@2", "--report",
                                           harness.directory.appendingPathComponent("report.html").path], harness: harness)
        #expect(await Self.waitFor(10) { FileManager.default.fileExists(atPath: run.entryPath) }, "stderr: \(run.errors)")
        #expect(Self.mode(run.controlDirectory) == 0o700)
        #expect(Self.mode(run.socketPath) == 0o600)
        #expect(Self.mode(run.entryPath) == 0o600)
        let client = ControlClient(address: .socket(path: run.socketPath))

        let status = try await client.status()
        #expect(status.pid == run.process.processIdentifier && status.state == "running" && status.schema == "fanout.status/1")
        #expect(status.endpoints.map(\.weight) == [2] && status.rateLimit == 200)
        #expect(status.run.save == harness.savePath)

        let paused = try await client.send(#"{"command":"pause"}"#)
        #expect(paused.state == "paused")
        try await Task.sleep(for: .milliseconds(300))
        let arrivalsAtPause = server.arrivals
        try await Task.sleep(for: .seconds(1))
        #expect(server.arrivals == arrivalsAtPause, "arrivals went on while paused")
        #expect(try await client.send(#"{"command":"resume"}"#).state == "running")
        #expect(try await client.send(#"{"command":"rate","value":400}"#).rateLimit == 400)
        #expect(try await client.send(#"{"command":"rate","value":null}"#).rateLimit == nil)
        #expect(try await client.send(#"{"command":"rate","value":300}"#).rateLimit == 300)
        let named = try #require(status.endpoints.first?.name)
        #expect(try await client.send(#"{"command":"endpoint_max_in_flight","endpoint":"\#(named)","value":8}"#).endpoints[0].cap == 8)
        #expect(try await client.send(#"{"command":"max_in_flight","value":"auto"}"#).maxInFlightAuto)
        #expect(try await client.send(#"{"command":"max_in_flight","value":50}"#).maxInFlight == 50)
        #expect(try await client.send(#"{"command":"weight","endpoint":"\#(named)","value":3}"#).endpoints[0].weight == 3)
        do {
            _ = try await client.send(#"{"command":"rate","value":0}"#)
            Issue.record("rate 0 was accepted")
        } catch {
            #expect("\(error)".contains("use {\"command\":\"pause\"}"))
        }
        let (code, body) = try await client.request(.POST, "/v1/commands", body: Array(#"{"command":"warp"}"#.utf8))
        #expect(code == 400 && String(decoding: body, as: UTF8.self).contains("unknown command"))
        #expect(try await client.request(.GET, "/nowhere").0 == 404)
        #expect(try await client.request(.DELETE, "/v1/status").0 == 405)

        // Events: one status each, at most 10 a second.
        let started = Date()
        var events = 0
        for try await _ in client.events() {
            events += 1
            if Date().timeIntervalSince(started) > 1.5 { break }
        }
        #expect(events >= 8 && events <= 17, "\(events) events in 1.5 s")

        let stopping = try await client.send(#"{"command":"stop"}"#)
        #expect(stopping.state == "draining" || stopping.state == "done")
        #expect(await run.waitForExit() == 5, "stderr: \(run.errors)")
        #expect(!FileManager.default.fileExists(atPath: run.socketPath) && !FileManager.default.fileExists(atPath: run.entryPath))
        let ids = try Self.ids(harness)
        #expect(Set(ids).count == ids.count && ids.count < 3000)
        // Every command is an operator action in the report, marked as the control's.
        let report = try JSONParser.parse(Array(try Data(contentsOf: harness.directory.appendingPathComponent("report.json"))))
        guard case .array(let actions)? = report["actions"] else { Issue.record("no actions in the report"); return }
        #expect(actions.count >= 10 && actions.allSatisfy { $0["source"]?.stringValue == "control" })
        #expect(actions.contains { $0["what"]?.stringValue == "pause" })
        await server.stop()
    }

    /// TCP needs the token: none or a wrong one is 401 and changes nothing; the right one steers. Without
    /// --control_token_env the run refuses to start (exit 2); the token never reaches the output.
    @Test func tcpNeedsTheToken() async throws {
        let harness = try Harness()
        defer { harness.cleanUp() }
        let server = try await MockServer.start(behavior: MockBehavior(latency: 0.005))
        try harness.writeInput(Harness.prompts(2000))
        let refused = try BackgroundRun.start(["--requests_filepath", harness.inputPath, "--endpoint", server.baseURL,
                                               "--control", "127.0.0.1:0"], harness: harness)
        #expect(await refused.waitForExit() == 2)
        #expect(refused.errors.contains("--control_token_env"))
        #expect(server.arrivals == 0)

        let token = "tok-\(UUID().uuidString)"
        let run = try BackgroundRun.start(["--requests_filepath", harness.inputPath, "--save_filepath", harness.savePath,
                                           "--max_requests_per_second", "200", "--endpoint", server.baseURL, "--control", "127.0.0.1:0",
                                           "--control_token_env", "FANOUT_TEST_TOKEN"], harness: harness,
                                          environment: ["FANOUT_TEST_TOKEN": token])
        #expect(await Self.waitFor(10) { FileManager.default.fileExists(atPath: run.entryPath) }, "stderr: \(run.errors)")
        let entry = try JSONParser.parse(Array(try Data(contentsOf: URL(fileURLWithPath: run.entryPath))))
        let address = try #require(entry["control"]?.stringValue.flatMap(ControlAddress.init))
        #expect(address.isTCP && entry["token_env"]?.stringValue == "FANOUT_TEST_TOKEN")
        #expect(!FileManager.default.fileExists(atPath: run.socketPath))

        for wrong in [nil, BearerToken("nope"), BearerToken(token + "x")] {
            let client = ControlClient(address: address, token: wrong)
            do {
                _ = try await client.send(#"{"command":"pause"}"#)
                Issue.record("a command without the token was accepted")
            } catch {
                #expect("\(error)".contains("Bearer"))
            }
            #expect(try await client.request(.GET, "/v1/status").0 == 401)
        }
        let client = ControlClient(address: address, token: BearerToken(token))
        #expect(try await client.status().state == "running")
        #expect(try await client.send(#"{"command":"stop"}"#).state != "running")
        #expect(await run.waitForExit() == 5)
        let saved = try String(contentsOfFile: harness.savePath, encoding: .utf8)
        #expect(!run.errors.contains(token) && !saved.contains(token))

        // Bound beyond loopback: a warning that the channel is plain HTTP; the run goes on.
        try harness.writeInput(Harness.prompts(20))
        let wide = try BackgroundRun.start(["--requests_filepath", harness.inputPath, "--save_filepath", harness.savePath, "--restart",
                                            "--endpoint", server.baseURL, "--control", "0.0.0.0:0", "--control_token_env", "FANOUT_TEST_TOKEN"],
                                           harness: harness, environment: ["FANOUT_TEST_TOKEN": token])
        #expect(await wide.waitForExit() == 0)
        #expect(wide.errors.contains("plain HTTP beyond this machine") && !wide.errors.contains(token), "stderr: \(wide.errors)")
        await server.stop()
    }

    /// The resident memory of a process, bytes (from /proc).
    static func residentBytes(_ pid: Int32) -> Int {
        let text = (try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8)) ?? ""
        let line = text.split(separator: "\n").first { $0.hasPrefix("VmRSS:") } ?? ""
        return (Int(line.split(separator: " ").dropFirst().first ?? "") ?? 0) * 1024
    }

    /// Garbage, an oversized body, a client that never reads and 1,000 connections neither stop the run
    /// nor grow its memory without bound; the control endpoint answers again once they are gone.
    @Test func hostileClients() async throws {
        let harness = try Harness()
        defer { harness.cleanUp() }
        let server = try await MockServer.start(behavior: MockBehavior(latency: 0.002))
        try harness.writeInput(Harness.prompts(4000))
        let run = try BackgroundRun.start(["--requests_filepath", harness.inputPath, "--save_filepath", harness.savePath,
                                           "--max_requests_per_second", "400", "--endpoint", server.baseURL], harness: harness)
        #expect(await Self.waitFor(10) { FileManager.default.fileExists(atPath: run.entryPath) }, "stderr: \(run.errors)")
        let client = ControlClient(address: .socket(path: run.socketPath))
        _ = try await client.status()
        let memoryBefore = Self.residentBytes(run.process.processIdentifier)

        let garbage = try #require(RawSocket(unix: run.socketPath))
        garbage.write([0x00, 0xFF, 0x1B] + Array("NOT HTTP AT ALL\r\n\r\n".utf8))
        #expect(garbage.readAll().hasPrefix("HTTP/1.1 400"))

        let huge = try #require(RawSocket(unix: run.socketPath))
        huge.write("POST /v1/commands HTTP/1.1\r\nHost: x\r\nContent-Length: 100000000\r\n\r\n")
        huge.write([UInt8](repeating: 0x41, count: 200_000))
        #expect(huge.readAll().hasPrefix("HTTP/1.1 413"))

        let chunked = try #require(RawSocket(unix: run.socketPath))
        chunked.write("POST /v1/commands HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n")
        for _ in 0..<40 { chunked.write("8000\r\n" + String(repeating: "{", count: 0x8000) + "\r\n") }
        #expect(chunked.readAll().hasPrefix("HTTP/1.1 413"))

        // An events client that never reads.
        let sleeper = try #require(RawSocket(unix: run.socketPath))
        sleeper.write("GET /v1/events HTTP/1.1\r\nHost: x\r\n\r\n")

        let arrivalsBefore = server.arrivals
        var held: [RawSocket] = []
        for _ in 0..<1000 { if let socket = RawSocket(unix: run.socketPath) { held.append(socket) } }
        try await Task.sleep(for: .seconds(2))
        #expect(run.process.isRunning)
        #expect(server.arrivals > arrivalsBefore + 300, "the run slowed under 1,000 connections")
        held.removeAll()
        #expect(await Self.waitFor(5) { (try? await client.status()) != nil }, "the control endpoint did not come back")
        let memoryAfter = Self.residentBytes(run.process.processIdentifier)
        #expect(memoryAfter - memoryBefore < 64 << 20, "memory grew from \(memoryBefore) to \(memoryAfter)")
        _ = sleeper
        #expect(await run.waitForExit() == 0, "stderr: \(run.errors)")
        let ids = try Self.ids(harness)
        #expect(ids.count == 4000 && Set(ids).count == 4000)
        await server.stop()
    }

    /// curl, a client that is not ours: status, a command and the events stream over the socket, and
    /// over TCP with the token.
    @Test func curlSpeaksToIt() async throws {
        #expect(FileManager.default.isExecutableFile(atPath: "/usr/bin/curl"), "curl is needed (apt-get install curl)")
        let harness = try Harness()
        defer { harness.cleanUp() }
        let server = try await MockServer.start(behavior: MockBehavior(latency: 0.005))
        try harness.writeInput(Harness.prompts(2000))
        let run = try BackgroundRun.start(["--requests_filepath", harness.inputPath, "--save_filepath", harness.savePath,
                                           "--max_requests_per_second", "100", "--endpoint", server.baseURL], harness: harness)
        #expect(await Self.waitFor(10) { FileManager.default.fileExists(atPath: run.entryPath) })
        func curl(_ arguments: [String]) throws -> String { try Self.curl(["--unix-socket", run.socketPath] + arguments) }
        let status = try JSONParser.parse(try curl(["http://fanout/v1/status"]))
        #expect(status["pid"]?.intValue == Int(run.process.processIdentifier))
        let paused = try JSONParser.parse(try curl(["-d", #"{"command":"pause"}"#, "http://fanout/v1/commands"]))
        #expect(paused["state"]?.stringValue == "paused")
        let events = try curl(["-N", "--max-time", "1", "http://fanout/v1/events"])
        let datas = events.split(separator: "\n").filter { $0.hasPrefix("data: ") }
        #expect(datas.count >= 5 && datas.count <= 11, "\(datas.count) events in 1 s")
        #expect(try datas.allSatisfy { try JSONParser.parse(String($0.dropFirst(6)))["state"]?.stringValue == "paused" })
        _ = try curl(["-d", #"{"command":"stop"}"#, "http://fanout/v1/commands"])
        #expect(await run.waitForExit() == 5)
        await server.stop()
    }
}
