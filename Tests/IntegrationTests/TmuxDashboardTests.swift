import Engine
import Foundation
import MockLLM
import Testing
import TestSupport

#if canImport(Glibc)
import Glibc
#endif

/// Drives the real binary's dashboard in a detached tmux session and checks its effect at the servers.
@Suite(.serialized, .tags(.integration)) struct TmuxDashboardTests {
    /// A tmux server of its own (its own socket), killed at the end.
    struct Tmux {
        let socket = "fanout-test-\(UUID().uuidString.prefix(8))"

        /// Runs a tmux command with posix_spawn and waitpid. (Foundation's Process never sees the
        /// client of `new-session -d` exit here, because the tmux server it forks keeps its fds.)
        @discardableResult
        func run(_ arguments: [String], output: Bool = false) throws -> String {
            var pipe: [Int32] = [0, 0]
            guard Glibc.pipe(&pipe) == 0 else { throw POSIXError(.EIO) }
            var actions = posix_spawn_file_actions_t()
            posix_spawn_file_actions_init(&actions)
            defer { posix_spawn_file_actions_destroy(&actions) }
            posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
            if output {
                posix_spawn_file_actions_adddup2(&actions, pipe[1], 1)
            } else {
                posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
            }
            posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
            posix_spawn_file_actions_addclose(&actions, pipe[0])
            posix_spawn_file_actions_addclose(&actions, pipe[1])
            let argv = (["tmux", "-L", socket] + arguments).map { strdup($0) } + [nil]
            defer { argv.forEach { free($0) } }
            var pid: pid_t = 0
            let spawned = posix_spawnp(&pid, "tmux", &actions, nil, argv, environ)
            close(pipe[1])
            guard spawned == 0 else {
                close(pipe[0])
                throw POSIXError(.ENOENT)
            }
            var data = [UInt8]()
            var buffer = [UInt8](repeating: 0, count: 65536)
            while true {
                let count = read(pipe[0], &buffer, buffer.count)
                if count <= 0 { break }
                data += buffer[..<count]
            }
            close(pipe[0])
            var status: Int32 = 0
            waitpid(pid, &status, 0)
            return String(decoding: data, as: UTF8.self)
        }

        func screen() throws -> String { try run(["capture-pane", "-p", "-t", "dash"], output: true) }
        func press(_ key: String) throws { try run(["send-keys", "-t", "dash", key]) }
        func kill() { _ = try? run(["kill-server"]) }
    }

    /// Arrivals at a server within the last `window` seconds.
    func recent(_ server: MockServer, window: Double) -> Int {
        let now = server.now
        return server.arrivalTimes.filter { $0 > now - window }.count
    }

    func waitFor(_ seconds: Double, _ condition: () throws -> Bool) async throws -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if try condition() { return true }
            try await Task.sleep(for: .milliseconds(100))
        }
        return try condition()
    }

    /// p pauses and resumes arrivals, - lowers the arrival rate, → shifts the split, q exits after DONE
    /// with every id exactly once.
    @Test func keysSteerARealRun() async throws {
        let tmux = Tmux()
        defer { tmux.kill() }
        #expect(FileManager.default.isExecutableFile(atPath: "/usr/bin/tmux"), "tmux is needed (apt-get install tmux)")
        let harness = try Harness()
        defer { harness.cleanUp() }
        let a = try await MockServer.start(behavior: MockBehavior(latency: 0.01))
        let b = try await MockServer.start(behavior: MockBehavior(latency: 0.01))
        try harness.writeInput(Harness.prompts(2400))
        let exitFile = harness.directory.appendingPathComponent("exit-code").path
        let command = [BinaryTests.binary.path, "--requests_filepath", harness.inputPath, "--save_filepath", harness.savePath,
                       "--max_requests_per_second", "400", "--endpoint", a.baseURL, "--endpoint", b.baseURL, "--tui"]
            .map { "'\($0)'" }.joined(separator: " ") + "; echo $? > '\(exitFile)'; sleep 30"
        try tmux.run(["new-session", "-d", "-s", "dash", "-x", "120", "-y", "40", command])

        #expect(try await waitFor(5) { try tmux.screen().contains("RUNNING") })
        let screen = try tmux.screen()
        #expect(screen.contains(a.baseURL.dropFirst(7).dropLast(3)) && screen.contains(b.baseURL.dropFirst(7).dropLast(3)))

        try await Task.sleep(for: .seconds(1))
        try tmux.press("p")
        #expect(try await waitFor(2) { try tmux.screen().contains("PAUSED") })
        try await Task.sleep(for: .milliseconds(300))
        let pausedAt = a.arrivals + b.arrivals
        try await Task.sleep(for: .seconds(1))
        #expect(a.arrivals + b.arrivals == pausedAt, "arrivals went on while paused")
        try tmux.press("p")
        try await Task.sleep(for: .seconds(1))
        #expect(a.arrivals + b.arrivals > pausedAt + 200, "arrivals did not resume")

        let before = recent(a, window: 1) + recent(b, window: 1)
        try tmux.press("-")
        try tmux.press("-")
        try await Task.sleep(for: .milliseconds(1500))
        let after = recent(a, window: 1) + recent(b, window: 1)
        #expect(Double(after) < Double(before) * 0.8, "rate before \(before)/s, after \(after)/s")

        try tmux.press("Right")
        try tmux.press("Right")
        try await Task.sleep(for: .milliseconds(1200))
        let shareA = Double(recent(a, window: 1)) / Double(max(1, recent(a, window: 1) + recent(b, window: 1)))
        let screenAfterWeights = (try? tmux.screen()) ?? ""
        #expect(shareA > 0.65, "endpoint a took \(shareA) of traffic at weight 3:1; screen:\n\(screenAfterWeights)")

        #expect(try await waitFor(20) { try tmux.screen().contains("DONE") })
        try tmux.press("q")
        #expect(try await waitFor(5) { FileManager.default.fileExists(atPath: exitFile) })
        let code = try String(contentsOfFile: exitFile, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(code == "0")
        await a.stop(); await b.stop()
        let ids = (try Harness.read(harness.savePath) + Harness.read(harness.errorsPath)).compactMap { $0["id"]?.stringValue }
        #expect(ids.count == 2400 && Set(ids) == Set((1...2400).map(String.init)))
        #expect(try tmux.screen().contains("saved, 0 failed"))
    }

    /// q before the end exits 5 (not 0, which means every record succeeded), after writing what was in
    /// flight; the metrics URL shows on the dashboard; the same command then finishes the job.
    @Test func quitBeforeTheEndHasItsOwnCode() async throws {
        let tmux = Tmux()
        defer { tmux.kill() }
        let harness = try Harness()
        defer { harness.cleanUp() }
        let server = try await MockServer.start(behavior: MockBehavior(latency: 0.05))
        try harness.writeInput(Harness.prompts(3000))
        let exitFile = harness.directory.appendingPathComponent("exit-code").path
        let arguments = ["--requests_filepath", harness.inputPath, "--save_filepath", harness.savePath,
                         "--max_requests_per_second", "200", "--endpoint", server.baseURL]
        let command = ([BinaryTests.binary.path] + arguments + ["--tui", "--metrics_port", "0"])
            .map { "'\($0)'" }.joined(separator: " ") + "; echo $? > '\(exitFile)'; sleep 30"
        try tmux.run(["new-session", "-d", "-s", "dash", "-x", "100", "-y", "30", command])
        #expect(try await waitFor(5) { try tmux.screen().contains("RUNNING") })
        #expect(try tmux.screen().contains("metrics http://127.0.0.1:"))
        try await Task.sleep(for: .seconds(1))
        try tmux.press("q")
        #expect(try await waitFor(10) { FileManager.default.fileExists(atPath: exitFile) })
        let code = try String(contentsOfFile: exitFile, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(code == "5")
        let saved = try Harness.read(harness.savePath).count
        #expect(saved > 0 && saved < 3000 && saved == server.arrivals)
        let rerun = try BinaryTests().fanout(arguments + ["--no-tui", "--max_requests_per_second", "0"])
        await server.stop()
        #expect(rerun.status == 0 && server.arrivals == 3000)
    }

    /// The Batches panel on a real screen, and `b` on the batch route: its batches are cancelled,
    /// what they had not run goes real-time, every record ends once.
    @Test func batchKeyCancelsBatches() async throws {
        let tmux = Tmux()
        defer { tmux.kill() }
        let harness = try Harness()
        defer { harness.cleanUp() }
        let server = try await BatchRouteTests.batchMock(secondsPerRequest: 0.02)
        try harness.writeInput(BatchRouteTests.chatLines(600))
        let endpoints = try BatchRouteTests.endpoints(harness, port: server.port, realtime: true, extra: ", weight: 3")
        let exitFile = harness.directory.appendingPathComponent("exit-code").path
        let arguments = ["--requests_filepath", harness.inputPath, "--save_filepath", harness.savePath, "--endpoints", endpoints,
                         "--max_requests_per_second", "100", "--tui"]
        let command = ([BinaryTests.binary.path] + arguments).map { "'\($0)'" }.joined(separator: " ") + "; echo $? > '\(exitFile)'; sleep 30"
        try tmux.run(["new-session", "-d", "-s", "dash", "-x", "120", "-y", "40", command])
        #expect(try await waitFor(10) { try tmux.screen().contains("in_progress") }, "the Batches panel shows the open batches")
        #expect(try tmux.screen().contains("Batches"))
        try tmux.press("j")
        try tmux.press("b")
        #expect(try await waitFor(5) { try tmux.screen().contains("cancelling bat's open batches") })
        #expect(try await waitFor(30) { try tmux.screen().contains("DONE") })
        try tmux.press("q")
        #expect(try await waitFor(5) { FileManager.default.fileExists(atPath: exitFile) })
        let saved = try Harness.read(harness.savePath)
        #expect(saved.count == 600 && Set(saved.compactMap { $0["id"]?.stringValue }).count == 600)
        let executions = try BatchRouteTests.executions(server)
        #expect(executions.values.allSatisfy { $0 == 1 } && executions.count + server.arrivals == 600)
        #expect(executions.count < 450, "the cancelled batches' unrun records went real-time")
    }

    /// The spend meter on a real screen: a cap stops sending, the dashboard says so and waits, and
    /// q after that keeps exit 6.
    @Test func spendCapOnTheDashboard() async throws {
        let tmux = Tmux()
        defer { tmux.kill() }
        let harness = try Harness()
        defer { harness.cleanUp() }
        var behavior = MockBehavior(latency: 0.01)
        behavior.outputTokens = 10
        let server = try await MockServer.start(behavior: behavior)
        try harness.writeInput(CostTests.lines(200))
        let prices = harness.directory.appendingPathComponent("prices.json").path
        // Free prompts: each line's worst case (10 output tokens at $0.002) is what it costs, $0.02.
        try #"{"gpt-4o-mini": {"input_cost_per_token": 0, "output_cost_per_token": 0.002}}"#.write(toFile: prices, atomically: true, encoding: .utf8)
        let exitFile = harness.directory.appendingPathComponent("exit-code").path
        let arguments = [BinaryTests.binary.path, "--requests_filepath", harness.inputPath, "--save_filepath", harness.savePath,
                         "--max_requests_per_second", "20", "--endpoint", server.baseURL, "--prices", prices, "--max_cost", "2", "--tui"]
        let command = arguments.map { "'\($0)'" }.joined(separator: " ") + "; echo $? > '\(exitFile)'; sleep 30"
        try tmux.run(["new-session", "-d", "-s", "dash", "-x", "140", "-y", "32", command])
        #expect(try await waitFor(5) { try tmux.screen().contains(" Cost ") })
        let stopped = try await waitFor(15) { try tmux.screen().contains("Spend cap reached: spent $2.00 of the $2.00 cap; 100 records left unsent") }
        let screen = try tmux.screen()
        #expect(stopped, "\(screen)")
        #expect(screen.contains(" DONE ") && screen.contains("cap $2.00 100%") && screen.contains("50.0%  100 / 200"), "\(screen)")
        try tmux.press("q")
        #expect(try await waitFor(10) { FileManager.default.fileExists(atPath: exitFile) })
        #expect(try String(contentsOfFile: exitFile, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines) == "6")
        #expect(try Harness.read(harness.savePath).count == 100 && server.arrivals == 100)
        await server.stop()
    }

    /// [ lowers the selected endpoint's in-flight cap: within a second nothing new is sent above
    /// it, measured at the server; { lowers the global one; both are confirmed in the footer and the
    /// Limit column shows the cap.
    @Test func capKeysBoundWhatTheServerSees() async throws {
        let tmux = Tmux()
        defer { tmux.kill() }
        let harness = try Harness()
        defer { harness.cleanUp() }
        let server = try await MockServer.start(behavior: MockBehavior(latency: 0.3))
        try harness.writeInput(Harness.prompts(4000))
        let exitFile = harness.directory.appendingPathComponent("exit-code").path
        let command = [BinaryTests.binary.path, "--requests_filepath", harness.inputPath, "--save_filepath", harness.savePath,
                       "--max_requests_per_second", "0", "--max_in_flight", "40", "--endpoint", server.baseURL, "--tui"]
            .map { "'\($0)'" }.joined(separator: " ") + "; echo $? > '\(exitFile)'; sleep 30"
        try tmux.run(["new-session", "-d", "-s", "dash", "-x", "120", "-y", "40", command])
        #expect(try await waitFor(5) { try tmux.screen().contains("RUNNING") })
        try await Task.sleep(for: .seconds(1))
        server.resetCounters()
        try await Task.sleep(for: .seconds(1))
        #expect(server.peakPending > 32, "\(server.peakPending) at most at the server before the keys")

        for expected in ["in-flight cap 40 → 32", "in-flight cap 32 → 26"] {
            try tmux.press("[")
            #expect(try await waitFor(2) { try tmux.screen().contains(expected) })
        }
        try await Task.sleep(for: .seconds(1))
        server.resetCounters()
        try await Task.sleep(for: .seconds(1.5))
        #expect(server.peakPending <= 26, "\(server.peakPending) at the server after the cap went to 26")
        #expect(try tmux.screen().contains("conc 26"))

        try tmux.press("{")
        #expect(try await waitFor(2) { try tmux.screen().contains("in-flight cap 40 → 32") })
        try tmux.press("{")
        try tmux.press("{")
        try await Task.sleep(for: .seconds(1))
        server.resetCounters()
        try await Task.sleep(for: .seconds(1.5))
        #expect(server.peakPending <= 21, "the global cap went to 21, below the endpoint's; the server saw \(server.peakPending)")
        let screen = try tmux.screen()
        #expect(screen.contains("in flight 21 / 21") || screen.contains("/ 21 "), "global cap not shown:\n\(screen)")

        try tmux.press("q")
        #expect(try await waitFor(10) { FileManager.default.fileExists(atPath: exitFile) })
        await server.stop()
    }

    /// `fanout demo` on the dashboard streams without end: at 120×40 the TTFT and tokens/s columns,
    /// the goodput line and the charts show; q ends it with exit 0 and every answer written once.
    @Test func endlessDemoQuitsWithZero() async throws {
        let tmux = Tmux()
        defer { tmux.kill() }
        let harness = try Harness()
        defer { harness.cleanUp() }
        let exitFile = harness.directory.appendingPathComponent("exit-code").path
        let command = "'\(BinaryTests.binary.path)' demo --directory '\(harness.directory.path)'; echo $? > '\(exitFile)'; sleep 30"
        try tmux.run(["new-session", "-d", "-s", "dash", "-x", "120", "-y", "40", command])
        #expect(try await waitFor(15) { try tmux.screen().contains("endless prompts") })
        #expect(try await waitFor(15) {
            let screen = try tmux.screen()
            return screen.contains("TTFT") && screen.contains("tok/s") && screen.contains("Goodput") && screen.contains("Answers/s")
                && screen.contains("TTFT · fast")
        }, "\((try? tmux.screen()) ?? "")")
        // q once the demo has written more than 500 answers (about a second at its 500/s, more on a
        // busy machine), so the count below does not depend on how fast the charts came up.
        let savePath = harness.directory.appendingPathComponent("prompts_results.jsonl").path
        #expect(try await waitFor(20) {
            (try? String(contentsOfFile: savePath, encoding: .utf8))?.utf8.lazy.filter { $0 == 0x0A }.count ?? 0 > 500
        })
        try tmux.press("q")
        #expect(try await waitFor(20) { FileManager.default.fileExists(atPath: exitFile) })
        let code = try String(contentsOfFile: exitFile, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(code == "0")
        let saved = try Harness.read(harness.directory.appendingPathComponent("prompts_results.jsonl").path)
        let errors = try Harness.read(harness.directory.appendingPathComponent("errors.jsonl").path)
        let ids = (saved + errors).compactMap { $0["id"]?.stringValue }
        #expect(ids.count > 500 && Set(ids).count == ids.count, "\(ids.count) ids, \(Set(ids).count) distinct")
        // Every real-time answer streamed; the batch route's answers come whole, from the batch.
        #expect(saved.allSatisfy { $0["ttft_ms"] != nil || $0["route"] == "batch" })
    }
    /// A trap while the dashboard holds the terminal (SIGILL here, as a Swift runtime trap raises)
    /// leaves the terminal as it was: canonical mode and echo back, for the shell's next command.
    @Test func crashRestoresTheTerminal() async throws {
        let tmux = Tmux()
        defer { tmux.kill() }
        let harness = try Harness()
        defer { harness.cleanUp() }
        let server = try await MockServer.start(behavior: MockBehavior(latency: 0.05))
        try harness.writeInput(Harness.prompts(5000))
        let modes = harness.directory.appendingPathComponent("stty").path
        let exitFile = harness.directory.appendingPathComponent("exit-code").path
        let command = [BinaryTests.binary.path, "--requests_filepath", harness.inputPath, "--save_filepath", harness.savePath,
                       "--max_requests_per_second", "50", "--endpoint", server.baseURL, "--tui"]
            .map { "'\($0)'" }.joined(separator: " ") + "; echo $? > '\(exitFile)'; stty -a > '\(modes)'; sleep 30"
        try tmux.run(["new-session", "-d", "-s", "dash", "-x", "120", "-y", "40", command])
        #expect(try await waitFor(10) { try tmux.screen().contains("RUNNING") })
        let holder = try String(contentsOfFile: OutputLock.lockPath(for: harness.savePath), encoding: .utf8)
        let pid = try #require(Int32(holder.prefix { $0 != "@" }))
        kill(pid, SIGILL)
        #expect(try await waitFor(10) { FileManager.default.fileExists(atPath: modes) })
        await server.stop()
        let code = try String(contentsOfFile: exitFile, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        let stty = try String(contentsOfFile: modes, encoding: .utf8)
        #expect(code == "132", "exit \(code)")
        #expect(stty.contains(" icanon") && stty.contains(" echo ") && !stty.contains("-icanon"), "\(stty)")
    }
}
