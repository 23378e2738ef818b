import Engine
import Foundation
import MockLLM
import Testing
import TestSupport

#if canImport(Glibc)
import Glibc
#endif

/// `fanout attach`, `fanout ps` and `run --detach` with the real binary, in tmux where a terminal is needed.
@Suite(.serialized, .tags(.integration)) struct AttachTests {
    typealias Tmux = TmuxDashboardTests.Tmux

    func fanout(_ arguments: [String], controlDirectory: String) throws -> BinaryTests.Run {
        try BinaryTests().fanout(arguments, environment: ["FANOUT_CONTROL_DIR": controlDirectory])
    }

    /// Attached in tmux: p stops arrivals at the server and resumes them, + raises the rate, q detaches
    /// (attach exits 0) and the run goes on to the end with every id once.
    @Test func attachSteersAndDetaches() async throws {
        let tmux = Tmux()
        defer { tmux.kill() }
        let harness = try Harness()
        defer { harness.cleanUp() }
        let server = try await MockServer.start(behavior: MockBehavior(latency: 0.005))
        try harness.writeInput(Harness.prompts(2500))
        let run = try ControlTests.BackgroundRun.start(["--requests_filepath", harness.inputPath, "--save_filepath", harness.savePath,
                                                        "--max_requests_per_second", "200", "--endpoint", server.baseURL], harness: harness)
        #expect(await ControlTests.waitFor(10) { FileManager.default.fileExists(atPath: run.entryPath) }, "stderr: \(run.errors)")
        let exitFile = harness.directory.appendingPathComponent("attach-exit").path
        let command = "FANOUT_CONTROL_DIR='\(run.controlDirectory)' '\(BinaryTests.binary.path)' attach; echo $? > '\(exitFile)'; sleep 30"
        try tmux.run(["new-session", "-d", "-s", "dash", "-x", "120", "-y", "40", command])
        #expect(await ControlTests.waitFor(5) { ((try? tmux.screen()) ?? "").contains("attached to pid \(run.process.processIdentifier)") })
        #expect(try tmux.screen().contains("q detach") && tmux.screen().contains("X stop run"))

        try tmux.press("p")
        #expect(await ControlTests.waitFor(3) { ((try? tmux.screen()) ?? "").contains("PAUSED") })
        try await Task.sleep(for: .milliseconds(300))
        let pausedAt = server.arrivals
        try await Task.sleep(for: .seconds(1))
        #expect(server.arrivals == pausedAt, "arrivals went on while paused from attach")
        try tmux.press("p")
        try tmux.press("+")
        #expect(await ControlTests.waitFor(3) { server.arrivals > pausedAt + 100 }, "arrivals did not resume")
        #expect(await ControlTests.waitFor(3) { (try? await ControlClient(address: .socket(path: run.socketPath)).status().rateLimit) == 250 })

        try tmux.press("q")
        #expect(await ControlTests.waitFor(5) { FileManager.default.fileExists(atPath: exitFile) })
        #expect(try String(contentsOfFile: exitFile, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines) == "0")
        #expect(try tmux.screen().contains("detached from pid"))
        #expect(run.process.isRunning, "q in attach stopped the run")
        #expect(await run.waitForExit() == 0, "stderr: \(run.errors)")
        let ids = try ControlTests.ids(harness)
        #expect(ids.count == 2500 && Set(ids).count == 2500)
        await server.stop()
    }

    /// Attached, X then y stops the run (exit 5) and the screen shows DONE with that code.
    @Test func attachStopsOnlyWithXY() async throws {
        let tmux = Tmux()
        defer { tmux.kill() }
        let harness = try Harness()
        defer { harness.cleanUp() }
        let server = try await MockServer.start(behavior: MockBehavior(latency: 0.005))
        try harness.writeInput(Harness.prompts(3000))
        let run = try ControlTests.BackgroundRun.start(["--requests_filepath", harness.inputPath, "--save_filepath", harness.savePath,
                                                        "--max_requests_per_second", "100", "--endpoint", server.baseURL], harness: harness)
        #expect(await ControlTests.waitFor(10) { FileManager.default.fileExists(atPath: run.entryPath) })
        let command = "FANOUT_CONTROL_DIR='\(run.controlDirectory)' '\(BinaryTests.binary.path)' attach '\(harness.savePath)'; sleep 30"
        try tmux.run(["new-session", "-d", "-s", "dash", "-x", "100", "-y", "30", command])
        #expect(await ControlTests.waitFor(5) { ((try? tmux.screen()) ?? "").contains("RUNNING") })
        try tmux.press("X")
        #expect(await ControlTests.waitFor(3) { ((try? tmux.screen()) ?? "").contains("stop the run? y stops it") })
        try tmux.press("n")
        try await Task.sleep(for: .milliseconds(500))
        #expect(run.process.isRunning)
        try tmux.press("X")
        try tmux.press("y")
        #expect(await run.waitForExit(10) == 5)
        #expect(await ControlTests.waitFor(5) { ((try? tmux.screen()) ?? "").contains("DONE exit 5") })
        try tmux.press("q")
        #expect(await ControlTests.waitFor(5) { ((try? tmux.screen()) ?? "").contains("ended with exit code 5") })
        await server.stop()
    }

    /// --detach returns at once with the pid, the log and the attach command; ps lists the run; the run
    /// finishes in the background and its log ends with the exit code.
    @Test func detachAndPs() async throws {
        let harness = try Harness()
        defer { harness.cleanUp() }
        let server = try await MockServer.start(behavior: MockBehavior(latency: 0.005))
        try harness.writeInput(Harness.prompts(600))
        let controlDirectory = harness.directory.appendingPathComponent("control").path
        let started = Date()
        let detached = try fanout(["--requests_filepath", harness.inputPath, "--save_filepath", harness.savePath,
                                   "--max_requests_per_second", "300", "--endpoint", server.baseURL, "--detach"], controlDirectory: controlDirectory)
        #expect(detached.status == 0, "stderr: \(detached.stderr)")
        #expect(Date().timeIntervalSince(started) < 5)
        let pid = try #require(detached.stdout.split(separator: "\n").first?.split(separator: " ").last.flatMap { Int32($0) })
        #expect(detached.stdout.contains("fanout attach \(pid)") && detached.stdout.contains(harness.savePath + ".log"))

        let ps = try fanout(["ps"], controlDirectory: controlDirectory)
        #expect(ps.status == 0)
        let row = ps.stdout.split(separator: "\n").first { $0.hasPrefix("\(pid) ") }
        #expect(row?.contains(harness.inputPath) == true && row?.contains("\(pid).sock") == true,
                "ps: \(ps.stdout) \(ps.stderr) detach: \(detached.stdout) dir: \((try? FileManager.default.contentsOfDirectory(atPath: controlDirectory)) ?? []) log: \((try? String(contentsOfFile: harness.savePath + ".log", encoding: .utf8)) ?? "")")
        let json = try fanout(["ps", "--json"], controlDirectory: controlDirectory)
        #expect(try JSONParser.parse(json.stdout)["status"]?["pid"]?.intValue == Int(pid))

        #expect(await ControlTests.waitFor(20) { kill(pid, 0) != 0 })
        let log = try String(contentsOfFile: harness.savePath + ".log", encoding: .utf8)
        #expect(log.hasSuffix("fanout: exit code 0\n"), "log: \(log)")
        let ids = try ControlTests.ids(harness)
        #expect(ids.count == 600 && Set(ids).count == 600)
        #expect(try fanout(["ps"], controlDirectory: controlDirectory).stdout.isEmpty)
        let usage = try fanout(["--requests_filepath", harness.inputPath, "--endpoint", server.baseURL, "--detach", "--max_attempts", "0"],
                               controlDirectory: controlDirectory)
        #expect(usage.status == 2)
        await server.stop()
    }

    /// A socket and an entry left by a killed run are removed by the next ps; attach with nothing running exits 2.
    @Test func staleSocketsAreCleaned() async throws {
        let harness = try Harness()
        defer { harness.cleanUp() }
        let server = try await MockServer.start(behavior: MockBehavior(latency: 0.01))
        try harness.writeInput(Harness.prompts(5000))
        let run = try ControlTests.BackgroundRun.start(["--requests_filepath", harness.inputPath, "--save_filepath", harness.savePath,
                                                        "--max_requests_per_second", "50", "--endpoint", server.baseURL], harness: harness)
        #expect(await ControlTests.waitFor(10) {
            FileManager.default.fileExists(atPath: run.socketPath) && FileManager.default.fileExists(atPath: run.entryPath)
        })
        kill(run.process.processIdentifier, SIGKILL)
        _ = await run.waitForExit()
        #expect(FileManager.default.fileExists(atPath: run.socketPath) && FileManager.default.fileExists(atPath: run.entryPath))
        let ps = try fanout(["ps"], controlDirectory: run.controlDirectory)
        #expect(ps.status == 0 && ps.stdout.isEmpty)
        #expect(!FileManager.default.fileExists(atPath: run.socketPath) && !FileManager.default.fileExists(atPath: run.entryPath))
        let attach = try fanout(["attach"], controlDirectory: run.controlDirectory)
        #expect(attach.status == 2 && attach.stderr.contains("no fanout run"))
        await server.stop()
    }

    /// A run with its own dashboard open is attached from a second terminal: p there pauses it and the
    /// run's own screen says PAUSED; q there leaves the run and its dashboard going.
    @Test func attachBesideTheRunsOwnDashboard() async throws {
        let tmux = Tmux()
        defer { tmux.kill() }
        let harness = try Harness()
        defer { harness.cleanUp() }
        let server = try await MockServer.start(behavior: MockBehavior(latency: 0.005))
        try harness.writeInput(Harness.prompts(3000))
        let control = harness.directory.appendingPathComponent("control").path
        let own = "FANOUT_CONTROL_DIR='\(control)' '\(BinaryTests.binary.path)' --requests_filepath '\(harness.inputPath)' "
            + "--save_filepath '\(harness.savePath)' --max_requests_per_second 100 --endpoint '\(server.baseURL)' --tui; sleep 30"
        try tmux.run(["new-session", "-d", "-s", "dash", "-x", "120", "-y", "40", own])
        #expect(await ControlTests.waitFor(5) { ((try? tmux.screen()) ?? "").contains("attach: fanout attach") })
        let attach = "FANOUT_CONTROL_DIR='\(control)' '\(BinaryTests.binary.path)' attach; sleep 30"
        try tmux.run(["new-window", "-d", "-t", "dash", "-n", "second", attach])
        let second = { try tmux.run(["capture-pane", "-p", "-t", "dash:second"], output: true) }
        #expect(await ControlTests.waitFor(5) { ((try? second()) ?? "").contains("attached to pid") })
        try tmux.run(["send-keys", "-t", "dash:second", "p"])
        #expect(await ControlTests.waitFor(3) { ((try? tmux.run(["capture-pane", "-p", "-t", "dash:0"], output: true)) ?? "").contains("PAUSED") })
        try tmux.run(["send-keys", "-t", "dash:0", "p"])
        #expect(await ControlTests.waitFor(3) { ((try? second()) ?? "").contains("RUNNING") })
        try tmux.run(["send-keys", "-t", "dash:second", "q"])
        #expect(await ControlTests.waitFor(3) { ((try? second()) ?? "").contains("detached from pid") })
        #expect(try tmux.run(["capture-pane", "-p", "-t", "dash:0"], output: true).contains("RUNNING"))
        try tmux.run(["send-keys", "-t", "dash:0", "q"])
        await server.stop()
    }

    /// Where the socket cannot be made (a path over the socket limit, a directory that cannot be
    /// created) the run warns and goes on to the end without one.
    @Test func runsOnWithoutASocket() async throws {
        let harness = try Harness()
        defer { harness.cleanUp() }
        let server = try await MockServer.start()
        try harness.writeInput(Harness.prompts(50))
        let long = harness.directory.appendingPathComponent(String(repeating: "d", count: 120)).path
        let file = harness.directory.appendingPathComponent("a-file").path
        FileManager.default.createFile(atPath: file, contents: Data())
        for directory in [long, file + "/control"] {
            try? FileManager.default.removeItem(atPath: harness.savePath)
            try? FileManager.default.removeItem(atPath: harness.errorsPath)
            let run = try fanout(["--requests_filepath", harness.inputPath, "--save_filepath", harness.savePath, "--endpoint", server.baseURL,
                                  "--restart"], controlDirectory: directory)
            #expect(run.status == 0, "stderr: \(run.stderr)")
            #expect(run.stderr.contains("warning: no control socket, so fanout attach cannot reach this run"), "stderr: \(run.stderr)")
            #expect(try Harness.read(harness.savePath).count == 50)
        }
        let explicit = try fanout(["--requests_filepath", harness.inputPath, "--save_filepath", harness.savePath, "--endpoint", server.baseURL,
                                   "--restart", "--control", long + "/run.sock"], controlDirectory: harness.directory.path + "/c")
        #expect(explicit.status == 0 && explicit.stderr.contains("over the 107-byte limit"), "stderr: \(explicit.stderr)")
        await server.stop()
    }

    /// A terminal ncurses has no description of: the run and attach fall back to progress lines
    /// (never ncurses' "Error opening terminal" exit), and the run still finishes.
    @Test func unknownTerminalFallsBackToLines() async throws {
        let tmux = Tmux()
        defer { tmux.kill() }
        let harness = try Harness()
        defer { harness.cleanUp() }
        let server = try await MockServer.start(behavior: MockBehavior(latency: 0.005))
        try harness.writeInput(Harness.prompts(400))
        let control = harness.directory.appendingPathComponent("control").path
        let exitFile = harness.directory.appendingPathComponent("exit-code").path
        let run = "TERM=no-such-terminal FANOUT_CONTROL_DIR='\(control)' '\(BinaryTests.binary.path)' --requests_filepath '\(harness.inputPath)' "
            + "--save_filepath '\(harness.savePath)' --max_requests_per_second 100 --endpoint '\(server.baseURL)'; echo $? > '\(exitFile)'; sleep 30"
        try tmux.run(["new-session", "-d", "-s", "dash", "-x", "120", "-y", "40", run])
        #expect(await ControlTests.waitFor(5) { ((try? tmux.screen()) ?? "").contains("progress lines instead of the dashboard") })
        let attach = "TERM=no-such-terminal FANOUT_CONTROL_DIR='\(control)' '\(BinaryTests.binary.path)' attach; sleep 30"
        try tmux.run(["new-window", "-d", "-t", "dash", "-n", "second", attach])
        #expect(await ControlTests.waitFor(5) {
            ((try? tmux.run(["capture-pane", "-p", "-t", "dash:second"], output: true)) ?? "").contains("] done ")
        })
        #expect(await ControlTests.waitFor(10) { FileManager.default.fileExists(atPath: exitFile) })
        #expect(try String(contentsOfFile: exitFile, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines) == "0")
        #expect(await ControlTests.waitFor(5) {
            ((try? tmux.run(["capture-pane", "-p", "-t", "dash:second"], output: true)) ?? "").contains("the run ended with exit code 0")
        })
        await server.stop()
    }
}
