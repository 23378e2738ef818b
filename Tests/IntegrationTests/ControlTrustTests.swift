import Engine
import Foundation
import MockLLM
import Synchronization
import Testing
import TestSupport

#if canImport(Glibc)
import Glibc
#endif

/// The control endpoint and its directory against an attacker: planted entries, shared
/// directories, clients without the token and clients that never read.
@Suite(.serialized, .tags(.integration)) struct ControlTrustTests {
    typealias BackgroundRun = ControlTests.BackgroundRun

    /// The binary with `arguments`, ended after `seconds` if it has not ended by itself.
    static func fanout(_ arguments: [String], environment: [String: String], seconds: Double = 4) async throws -> (status: Int32, stderr: String) {
        let process = Process()
        process.executableURL = BinaryTests.binary
        process.arguments = arguments
        process.environment = ["PATH": "/usr/bin:/bin"].merging(environment) { $1 }
        let err = FileManager.default.temporaryDirectory.appendingPathComponent("fanout-trust-\(UUID().uuidString).err")
        FileManager.default.createFile(atPath: err.path, contents: nil)
        defer { try? FileManager.default.removeItem(at: err) }
        process.standardError = try FileHandle(forWritingTo: err)
        process.standardOutput = FileHandle.nullDevice
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let deadline = Date().addingTimeInterval(seconds)
        while process.isRunning && Date() < deadline { try await Task.sleep(for: .milliseconds(50)) }
        if process.isRunning { process.terminate() }
        process.waitUntilExit()
        return (process.terminationStatus, (try? String(contentsOf: err, encoding: .utf8)) ?? "")
    }

    /// An entry as a run writes it, for this test process (alive), naming a TCP control address and a token variable.
    static func entry(control: String, save: String) -> String {
        let stat = (try? String(contentsOfFile: "/proc/self/stat", encoding: .utf8)) ?? ""
        let fields = stat.split(separator: ")").last?.split(separator: " ") ?? []
        let ticks = fields.count > 19 ? String(fields[19]) : "null"
        return #"{"process":{"pid":\#(getpid()),"start_ticks":\#(ticks)},"started_at":1700000000,"host":"box","version":"0.1.0","#
            + #""input":"/x/in.jsonl","save":"\#(save)","errors":"/x/e.jsonl","control":"\#(control)","token_env":"OPENAI_API_KEY"}"#
    }

    /// Entries planted in a linked directory, a 0777 directory and another user's directory, and
    /// planted as links or as another user's files in a good one: `ps` and `attach` (by pid, by save
    /// file, by HOST:PORT) send no connection the secret, each refusal said in one line. An entry
    /// the run itself would trust does get the token from `attach` (so the check can fail).
    @Test func plantedEntriesGetNoSecret() async throws {
        let harness = try Harness()
        defer { harness.cleanUp() }
        let listener = try RecordingListener()
        defer { listener.stop() }
        let secret = "sk-planted-\(UUID().uuidString)"
        let control = "127.0.0.1:\(listener.port)"
        let save = harness.directory.appendingPathComponent("victim.jsonl").path
        FileManager.default.createFile(atPath: save, contents: Data())
        let entry = Data(Self.entry(control: control, save: save).utf8)
        let base = harness.directory.path
        let name = "\(getpid()).json"

        func directory(_ path: String, mode: mode_t) throws -> String {
            mkdir(path, 0o700)
            FileManager.default.createFile(atPath: path + "/" + name, contents: entry, attributes: [.posixPermissions: 0o600])
            chmod(path, mode)
            return path
        }
        let real = try directory(base + "/real", mode: 0o700)
        symlink(real, base + "/linked")
        var planted: [(String, String)] = [(base + "/linked", "symbolic link"), (try directory(base + "/open", mode: 0o777), "writable by other users")]
        if geteuid() == 0 {
            let theirs = try directory(base + "/theirs", mode: 0o700)
            chown(theirs, 65534, 65534)
            planted.append((theirs, "another user"))
            let foreignEntry = try directory(base + "/foreign-entry", mode: 0o700)
            chown(foreignEntry + "/" + name, 65534, 65534)
            planted.append((foreignEntry, "another user"))
        }
        let linkedEntry = try directory(base + "/linked-entry", mode: 0o700)
        unlink(linkedEntry + "/" + name)
        symlink(real + "/" + name, linkedEntry + "/" + name)
        planted.append((linkedEntry, "symbolic link"))

        for (path, reason) in planted {
            let environment = ["FANOUT_CONTROL_DIR": path, "OPENAI_API_KEY": secret, "HOME": base]
            for arguments in [["ps"], ["ps", "--json"], ["attach", "\(getpid())", "--no-tui"], ["attach", save, "--no-tui"],
                              ["attach", control, "--no-tui"]] {
                let run = try await Self.fanout(arguments, environment: environment)
                #expect(run.stderr.contains(reason), "\(arguments) in \(path): \(run.stderr)")
                #expect(!run.stderr.contains(secret))
            }
        }
        try await Task.sleep(for: .milliseconds(500))
        #expect(!listener.text.contains(secret), "a planted entry got the secret")

        // ps never sends a token, even for an entry it trusts; attach does, to a run it trusts.
        let trusted = ["FANOUT_CONTROL_DIR": real, "OPENAI_API_KEY": secret, "HOME": base]
        _ = try await Self.fanout(["ps"], environment: trusted)
        try await Task.sleep(for: .milliseconds(300))
        #expect(!listener.text.contains(secret), "ps sent a token")
        _ = try await Self.fanout(["attach", "\(getpid())", "--no-tui"], environment: trusted, seconds: 2)
        #expect(await ControlTests.waitFor(3) { listener.text.contains("Bearer " + secret) }, "attach to a trusted entry sent no token")
    }

    /// An existing control directory that is shared (1777, like /tmp) is refused and keeps its
    /// mode: the run warns, writes nothing there and goes on without a socket.
    @Test func sharedDirectoryKeepsItsMode() async throws {
        let harness = try Harness()
        defer { harness.cleanUp() }
        let server = try await MockServer.start(behavior: MockBehavior(latency: 0.001))
        try harness.writeInput(Harness.prompts(20))
        let shared = harness.directory.appendingPathComponent("shared").path
        mkdir(shared, 0o700)
        chmod(shared, 0o1777)
        let run = try BackgroundRun.start(["--requests_filepath", harness.inputPath, "--save_filepath", harness.savePath,
                                           "--endpoint", server.baseURL], harness: harness, environment: ["FANOUT_CONTROL_DIR": shared])
        #expect(await run.waitForExit() == 0, "stderr: \(run.errors)")
        var info = stat()
        #expect(lstat(shared, &info) == 0 && info.st_mode & 0o7777 == 0o1777)
        #expect(try FileManager.default.contentsOfDirectory(atPath: shared).isEmpty)
        #expect(run.errors.contains(shared) && run.errors.contains("no control socket"), "stderr: \(run.errors)")
        await server.stop()
    }

    /// A run on TCP whose token is `token`, slow enough to last the test; its control port.
    static func tcpRun(_ harness: Harness, server: MockServer, token: String) async throws -> (BackgroundRun, Int) {
        try harness.writeInput(Harness.prompts(100_000))
        let run = try BackgroundRun.start(["--requests_filepath", harness.inputPath, "--save_filepath", harness.savePath,
                                           "--max_requests_per_second", "50", "--endpoint", server.baseURL, "--control", "127.0.0.1:0",
                                           "--control_token_env", "FANOUT_TEST_TOKEN"], harness: harness,
                                          environment: ["FANOUT_TEST_TOKEN": token])
        #expect(await ControlTests.waitFor(10) { FileManager.default.fileExists(atPath: run.entryPath) }, "stderr: \(run.errors)")
        let entry = try JSONParser.parse(Array(try Data(contentsOf: URL(fileURLWithPath: run.entryPath))))
        guard case .tcp(_, let port)? = entry["control"]?.stringValue.flatMap(ControlAddress.init) else {
            throw POSIXError(.EADDRNOTAVAIL)
        }
        return (run, port)
    }

    /// Seconds until an authenticated status is answered (nil: not within `limit`).
    static func operatorWait(port: Int, token: String, limit: Double) async -> Double? {
        let started = Date()
        var client = ControlClient(address: .tcp(host: "127.0.0.1", port: port), token: BearerToken(token))
        client.timeout = 2
        while Date().timeIntervalSince(started) < limit {
            if (try? await client.status()) != nil { return Date().timeIntervalSince(started) }
            try? await Task.sleep(for: .milliseconds(100))
        }
        return nil
    }

    /// 64 clients without the token, each sending a request every 4 s (reconnecting when closed),
    /// never keep the operator out for 10 s; a request without the token is answered 401 and closed.
    @Test func clientsWithoutTheTokenHoldNoSlot() async throws {
        let harness = try Harness()
        defer { harness.cleanUp() }
        let server = try await MockServer.start(behavior: MockBehavior(latency: 0.001))
        let token = "tok-\(UUID().uuidString)"
        let (run, port) = try await Self.tcpRun(harness, server: server, token: token)

        let probe = try #require(RawSocket(port: port))
        probe.write("GET /v1/status HTTP/1.1\r\nHost: x\r\n\r\n")
        let answer = probe.readAll()
        #expect(answer.hasPrefix("HTTP/1.1 401") && answer.lowercased().contains("connection: close"), "\(answer.prefix(200))")

        let stop = Atomic<Bool>(false)
        let attackers = (0..<64).map { _ in
            Thread {
                while !stop.load(ordering: .relaxed) {
                    guard let socket = RawSocket(port: port) else { continue }
                    while !stop.load(ordering: .relaxed), socket.write(Array("GET /v1/status HTTP/1.1\r\nHost: x\r\n\r\n".utf8)) {
                        for _ in 0..<40 where !stop.load(ordering: .relaxed) { usleep(100_000) }
                    }
                }
            }
        }
        attackers.forEach { $0.start() }
        try await Task.sleep(for: .seconds(2))
        for _ in 0..<4 {
            let wait = await Self.operatorWait(port: port, token: token, limit: 12)
            #expect(wait.map { $0 <= 10 } == true, "the operator waited \(wait.map { "\($0) s" } ?? "over 12 s")")
            try await Task.sleep(for: .seconds(1))
        }
        stop.store(true, ordering: .relaxed)
        run.process.terminate()
        _ = await run.waitForExit()
        await server.stop()
    }

    /// Pipelined floods held open and never read — 250,000 GETs without the token, 20,000 with it on
    /// TCP, 60 socket connections of 2,000 each — grow the run's memory by under 100 MB, and a fresh
    /// status is answered within 2 s during each.
    @Test func floodsThatNeverReadCostNothing() async throws {
        let harness = try Harness()
        defer { harness.cleanUp() }
        let server = try await MockServer.start(behavior: MockBehavior(latency: 0.001))
        let token = "tok-\(UUID().uuidString)"
        let (run, port) = try await Self.tcpRun(harness, server: server, token: token)
        let pid = run.process.processIdentifier
        let before = ControlTests.residentBytes(pid)

        let unauthenticated = try #require(RawSocket(port: port))
        _ = unauthenticated.flood(Array(String(repeating: "GET /v1/status HTTP/1.1\r\nHost: x\r\n\r\n", count: 250_000).utf8))
        let authenticated = try #require(RawSocket(port: port))
        let request = "GET /v1/status HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer \(token)\r\n\r\n"
        _ = authenticated.flood(Array(String(repeating: request, count: 20_000).utf8))
        try await Task.sleep(for: .seconds(2))
        let wait = await Self.operatorWait(port: port, token: token, limit: 5)
        #expect(wait.map { $0 <= 2 } == true, "a fresh status took \(wait.map { "\($0) s" } ?? "over 5 s")")
        #expect(ControlTests.residentBytes(pid) - before < 100 << 20)
        _ = (unauthenticated, authenticated)
        run.process.terminate()
        _ = await run.waitForExit()

        let local = try BackgroundRun.start(["--requests_filepath", harness.inputPath, "--save_filepath", harness.savePath, "--restart",
                                             "--max_requests_per_second", "50", "--endpoint", server.baseURL], harness: harness)
        #expect(await ControlTests.waitFor(10) { FileManager.default.fileExists(atPath: local.socketPath) }, "stderr: \(local.errors)")
        let localBefore = ControlTests.residentBytes(local.process.processIdentifier)
        let status = Array(String(repeating: "GET /v1/status HTTP/1.1\r\nHost: x\r\n\r\n", count: 2000).utf8)
        let held = (0..<60).compactMap { _ in RawSocket(unix: local.socketPath) }
        for socket in held { _ = socket.flood(status) }
        try await Task.sleep(for: .seconds(2))
        let started = Date()
        var client = ControlClient(address: .socket(path: local.socketPath))
        client.timeout = 2
        #expect((try? await client.status()) != nil && Date().timeIntervalSince(started) <= 2)
        #expect(ControlTests.residentBytes(local.process.processIdentifier) - localBefore < 100 << 20)
        _ = held
        local.process.terminate()
        _ = await local.waitForExit()
        await server.stop()
    }
}

/// The status schema against its documentation.
@Suite(.serialized, .tags(.integration)) struct StatusSchemaTests {
    static let docs = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("docs/control.md")

    /// Backticked names (`snake_case` only) in `text`.
    static func names(_ text: some StringProtocol) -> Set<String> {
        Set(text.split(separator: "`", omittingEmptySubsequences: false).enumerated().compactMap { index, part in
            index % 2 == 1 && part.allSatisfy({ $0.isLowercase || $0 == "_" || $0.isNumber }) && !part.isEmpty ? String(part) : nil
        })
    }

    /// The rows of the `n`th `| field | meaning |` table: (field cell, meaning cell).
    static func table(_ text: String, _ n: Int) -> [(String, String)] {
        let parts = text.components(separatedBy: "| field | meaning |")
        guard parts.count > n + 1 else { return [] }
        return parts[n + 1].split(separator: "\n").dropFirst().prefix { $0.hasPrefix("|") }.map { row in
            let cells = row.split(separator: "|", omittingEmptySubsequences: false)
            return (String(cells[1]), cells.count > 2 ? String(cells[2]) : "")
        }
    }

    /// Keys a paragraph introduces as "`key` (" — its values in parentheses are left out.
    static func keysBeforeParentheses(_ paragraph: some StringProtocol) -> Set<String> {
        Set(paragraph.components(separatedBy: "` (").dropLast().compactMap { $0.split(separator: "`").last.map(String.init) })
    }

    static func keys(_ value: JSONValue?) -> Set<String> {
        guard case .object(let fields)? = value else { return [] }
        return Set(fields.map(\.key))
    }

    /// Every key docs/control.md lists is in a live status, `null` where there is none (only
    /// `exit_code` waits for the end), and the status holds no key the docs leave out.
    @Test func liveStatusHasEveryDocumentedKey() async throws {
        let text = try String(contentsOf: Self.docs, encoding: .utf8)
        let top = Self.table(text, 0)
        let endpoint = Self.table(text, 1)
        #expect(!top.isEmpty && !endpoint.isEmpty, "the tables of docs/control.md were not found")
        let documented = top.reduce(into: Set<String>()) { $0.formUnion(Self.names($1.0)) }
        let sub = { (key: String) in Self.names(top.first { Self.names($0.0) == [key] }?.1 ?? "") }
        let endpointKeys = endpoint.reduce(into: Set<String>()) { $0.formUnion(Self.names($1.0)) }
        let tokensParagraph = text.components(separatedBy: "\n`tokens`: ").dropFirst().first?.components(separatedBy: "\n\n").first ?? ""
        let costParagraph = text.components(separatedBy: "<a id=\"cost\"></a>`cost`").dropFirst().first?.components(separatedBy: "\n\n").first ?? ""

        let harness = try Harness()
        defer { harness.cleanUp() }
        let server = try await MockServer.start(behavior: MockBehavior(latency: 0.002))
        try harness.writeInput(Harness.prompts(2000))
        let run = try ControlTests.BackgroundRun.start(["--requests_filepath", harness.inputPath, "--save_filepath", harness.savePath,
                                                        "--max_requests_per_second", "50", "--endpoint", server.baseURL], harness: harness)
        #expect(await ControlTests.waitFor(10) { FileManager.default.fileExists(atPath: run.entryPath) }, "stderr: \(run.errors)")
        try await Task.sleep(for: .seconds(1))
        // The client's figures come with its first measure (within a second on a busy machine).
        _ = try await ControlTests.waitFor(5) {
            let (_, body) = try await ControlClient(address: .socket(path: run.socketPath)).request(.GET, "/v1/status")
            return try JSONParser.parse(body)["client"] != .null
        }
        let (code, body) = try await ControlClient(address: .socket(path: run.socketPath)).request(.GET, "/v1/status")
        #expect(code == 200)
        let status = try JSONParser.parse(body)
        #expect(Self.keys(status) == documented.subtracting(["exit_code"]))
        #expect(Self.keys(status["records"]) == sub("records"))
        #expect(Self.keys(status["run"]) == sub("run"))
        #expect(Self.keys(status["tokens"]) == Self.names(tokensParagraph))
        #expect(Self.keys(status["cost"]) == Self.keysBeforeParentheses(costParagraph))
        #expect(Self.keys(status["client"]) == sub("client"), "\(String(describing: status["client"]))")
        guard case .array(let endpoints)? = status["endpoints"], let first = endpoints.first else {
            Issue.record("no endpoints in the status")
            return
        }
        #expect(Self.keys(first) == endpointKeys)
        #expect(Self.keys(first["tokens"]) == Self.names(tokensParagraph))
        #expect(status["slo"] == .null && status["first_bad_line"] == .null && status["cost"]?["cap_usd"] == .null)
        #expect(first["provider_limits"] == .null && first["cap"] == .null && first["server"] == .null)
        run.process.terminate()
        _ = await run.waitForExit()
        await server.stop()
    }
}

/// A control endpoint that serves whatever status it is given: a hostile run.
final class FixedBackend: ControlBackend {
    let document: StatusDocument

    init(_ document: StatusDocument) { self.document = document }

    func status() async -> StatusDocument { document }
    func perform(_ command: EngineCommand) async {}
}

/// `fanout attach` against runs whose statuses parse but say impossible things.
@Suite(.serialized, .tags(.integration)) struct HostileStatusTests {
    /// A finished run's status with every count at `count` and money, rates and times at 1e308.
    static func hostile(count: Int) -> StatusDocument {
        var snapshot = StatsSnapshot()
        snapshot.state = .done
        snapshot.endpoints = [EndpointSnapshot(name: "gpu", url: "http://gpu/v1", weight: 1, initialWeight: 1, state: .ready)]
        var document = StatusDocument(snapshot, context: .init(pid: 4242, host: "box", startedAt: 1_800_000_000,
                                                               run: .init(version: "0.1.0", input: "/in", save: "/out", errors: "/err"),
                                                               total: count, exitCode: 0))
        document.records.saved = count
        document.records.failed = count
        document.records.read = count
        document.records.sent = count
        document.errorsByKind = [.init(kind: "server_error", count: count), .init(kind: "timeout", count: count)]
        document.elapsedS = 1e308
        document.tokensPerMinute = 1e308
        document.rateLimit = 1e308
        document.sentPerS = 1e308
        document.cost?.capUsd = 1e308
        document.cost?.spentUsd = 1e308
        document.endpoints[0].sent = count
        document.endpoints[0].actualShare = 1e308
        return document
    }

    /// The viewer neither crashes nor hangs: alone (2^63−1 everywhere) and as a fleet of two shards
    /// at 5e18 each, `attach --no-tui` follows the run to `done` and ends by itself with exit 0.
    @Test func attachSurvivesImpossibleStatuses() async throws {
        let harness = try Harness()
        defer { harness.cleanUp() }
        let ranges = ControlCommand.Ranges(rate: 0...1e6, weight: 0...1e6, inFlight: 1...1_000_000)
        var servers: [ControlServer] = []
        for (index, count) in [Int.max, 5_000_000_000_000_000_000, 5_000_000_000_000_000_000].enumerated() {
            let path = harness.directory.appendingPathComponent("s\(index).sock").path
            servers.append(try await ControlServer.start(at: .socket(path: path), token: nil, endpoints: ["gpu"], ranges: ranges,
                                                         backend: FixedBackend(Self.hostile(count: count))))
        }
        let paths = (0..<3).map { harness.directory.appendingPathComponent("s\($0).sock").path }
        let environment = ["FANOUT_CONTROL_DIR": harness.directory.appendingPathComponent("control").path, "HOME": harness.directory.path]
        let single = try await ControlTrustTests.fanout(["attach", paths[0], "--no-tui"], environment: environment, seconds: 15)
        #expect(single.status == 0 && single.stderr.contains("exit code 0"), "\(single)")
        let fleet = try await ControlTrustTests.fanout(["attach", paths[1], paths[2], "--no-tui"], environment: environment, seconds: 15)
        #expect(fleet.status == 0 && fleet.stderr.contains("done"), "\(fleet)")
        for server in servers { await server.stop() }
    }
}
