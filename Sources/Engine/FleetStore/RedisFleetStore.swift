import NIOSSL
import RESP
import Synchronization

/// The fleet store in a Redis server (6 or later): keys under `fanout:{FLEET}:`, the scripts of
/// `FleetScripts`, one pipelined connection made again after it fails.
public final class RedisFleetStore: FleetStore {
    private let address: StoreAddress
    private let password: String?
    private let tls: NIOSSLContext?
    private let prefix: String
    /// The endpoints' names, by index: their buckets' keys.
    private let names: [String]
    /// Seconds each call may take: a store that does not answer within it is gone (the shard goes on alone).
    private let timeout: Double
    /// Seconds a connection may take to open (and the first calls that set it up).
    private let connectTimeout: Double
    private struct Link {
        var connection: RESPConnection?
        var scripts: [String: String] = [:]
    }

    private let link = Mutex(Link())

    /// - Parameters:
    ///   - password: from the environment (`--limits_store_password_env`), never from the URL.
    ///   - tls: what `rediss://` trusts and presents (the run's CA files, the store's client certificate).
    public init(address: StoreAddress, fleet: String, endpoints: [String], password: String?, tls: TLSSettings?,
                timeout: Double = 1, connectTimeout: Double = 2) throws(EngineError) {
        self.connectTimeout = connectTimeout
        names = endpoints
        self.address = address
        self.password = password
        self.tls = address.usesTLS ? try (tls ?? TLSSettings()).makeContext() : nil
        self.timeout = timeout
        prefix = "fanout:{\(fleet)}:"
    }

    public func connect() async throws(RESPError) {
        link.withLock { $0.connection?.close(); $0 = Link() }
        let connection = try await RESPConnection.connect(host: address.host, port: address.port, tls: address.usesTLS ? tls : nil,
                                                          serverHostname: address.usesTLS ? address.host : nil, timeout: connectTimeout)
        do throws(RESPError) {
            var setup: [[String]] = []
            if let password { setup.append(address.user.map { ["AUTH", $0, password] } ?? ["AUTH", password]) }
            if address.database != 0 { setup.append(["SELECT", String(address.database)]) }
            for script in Self.scripts { setup.append(["SCRIPT", "LOAD", script.source]) }
            let replies = try await connection.send(setup, timeout: connectTimeout)
            if let refusal = replies.lazy.compactMap(\.errorMessage).first { throw RESPError.refused(Self.safe(refusal)) }
            let shas = replies.suffix(Self.scripts.count).compactMap(\.text)
            guard shas.count == Self.scripts.count else { throw RESPError.protocolViolation("no SHA1 for a loaded script") }
            let loaded = Dictionary(uniqueKeysWithValues: zip(Self.scripts.map(\.name), shas))
            link.withLock { $0 = Link(connection: connection, scripts: loaded) }
        } catch {
            connection.close()
            throw error
        }
    }

    static let scripts: [(name: String, source: String)] = [
        ("heartbeat", FleetScripts.heartbeat), ("lease", FleetScripts.lease), ("learn", FleetScripts.learn), ("budget", FleetScripts.budget),
    ]

    public func heartbeat(_ beat: FleetBeat) async throws(RESPError) -> FleetBeatReply {
        var arguments = [beat.shard, beat.info, String(beat.forgetAfter), String(beat.endpoints.count)]
        arguments += beat.endpoints.map { String($0.configured) }
        for (name, value) in beat.held.sorted(by: { $0.key < $1.key }) { arguments += [name, value] }
        let keys = ["shards", "infos", "settings"] + beat.endpoints.map { "ep:\($0.name):r" }
        let reply = try await evaluate("heartbeat", keys: keys, arguments: arguments)
        guard let parts = reply.elements, parts.count == 4, let added = parts[0].number, let shards = parts[1].number,
              let flat = parts[2].elements, let states = parts[3].elements, states.count == 2 * beat.endpoints.count
        else { throw RESPError.protocolViolation("a heartbeat reply of another shape") }
        var settings: [String: String] = [:]
        for pair in stride(from: 0, to: flat.count - 1, by: 2) {
            if let name = flat[pair].text, let value = flat[pair + 1].text { settings[name] = value }
        }
        let endpoints = stride(from: 0, to: states.count, by: 2).map { index in
            FleetEndpointState(rate: Self.bounded(states[index].number), cool: min(Self.bounded(states[index + 1].number), 600))
        }
        return FleetBeatReply(isNew: added > 0, shards: Int(min(Self.bounded(shards), 1e6)), settings: settings, endpoints: endpoints)
    }

    public func lease(_ wants: [LeaseWant], horizon: Double) async throws(RESPError) -> [FleetGrant] {
        guard !wants.isEmpty else { return [] }
        var arguments = [String(horizon)]
        for want in wants { arguments += [Self.kind(want.bucket), String(want.rate), String(want.size)] }
        let reply = try await evaluate("lease", keys: ["settings"] + wants.map { key(of: $0.bucket) }, arguments: arguments)
        guard let parts = reply.elements, parts.count == 4 * wants.count else { throw RESPError.protocolViolation("a lease reply of another shape") }
        return wants.indices.map { index in
            let at = 4 * index
            let tokens = Int(min(Double(wants[index].size), Self.bounded(parts[at].number)))
            return FleetGrant(bucket: wants[index].bucket, tokens: tokens, wait: min(1, Self.bounded(parts[at + 1].number)),
                              rate: Self.bounded(parts[at + 2].number), cool: min(600, Self.bounded(parts[at + 3].number)))
        }
    }

    public func learn(_ lesson: FleetLesson) async throws(RESPError) -> FleetEndpointState {
        let arguments: [String]
        switch lesson {
        case .rateLimited(_, let configured, let age, let retryAfter, let newRun, let estimate):
            arguments = ["429", String(configured), String(max(0, age)), retryAfter.map { String($0) } ?? "", newRun ? "1" : "0", String(estimate)]
        case .announced(_, let configured, let perSecond):
            arguments = ["announce", String(configured), String(perSecond)]
        }
        let reply = try await evaluate("learn", keys: [key(of: .requests(lesson.endpoint))], arguments: arguments)
        guard let parts = reply.elements, parts.count == 2 else { throw RESPError.protocolViolation("a learn reply of another shape") }
        return FleetEndpointState(rate: Self.bounded(parts[0].number), cool: min(600, Self.bounded(parts[1].number)))
    }

    public func takeBudget(cap: Double, want: Double, own: Double, shard: String) async throws(RESPError) -> Double {
        try await budget(["take", shard, String(own), String(cap), String(want)])
    }

    public func giveBudget(_ dollars: Double, shard: String) async throws(RESPError) {
        _ = try await budget(["give", shard, String(dollars)])
    }

    public func seedBudget(_ own: Double, shard: String) async throws(RESPError) {
        _ = try await budget(["seed", shard, String(own)])
    }

    private func budget(_ arguments: [String]) async throws(RESPError) -> Double {
        let reply = try await evaluate("budget", keys: ["spend"], arguments: arguments)
        guard let parts = reply.elements, parts.count == 2, let granted = parts[0].number else {
            throw RESPError.protocolViolation("a budget reply of another shape")
        }
        return min(Self.bounded(granted), 1e9)
    }

    private func key(of bucket: FleetBucket) -> String {
        switch bucket {
        case .fleet: "bucket:rate"
        case .requests(let index): "ep:\(names.indices.contains(index) ? names[index] : String(index)):r"
        case .tokens(let index): "ep:\(names.indices.contains(index) ? names[index] : String(index)):t"
        }
    }

    private static func kind(_ bucket: FleetBucket) -> String {
        switch bucket {
        case .fleet: "f"
        case .requests: "r"
        case .tokens: "t"
        }
    }

    /// A number from the store, held finite and non-negative (a store is not trusted to be sane).
    private static func bounded(_ value: Double?) -> Double {
        guard let value, value.isFinite else { return 0 }
        return min(max(value, 0), 1e9)
    }

    public func write(_ fields: [FleetSettings.Field]) async throws(RESPError) {
        guard !fields.isEmpty else { return }
        let key = prefix + "settings"
        let replies = try await connection().send([["HSET", key] + fields.flatMap { [$0.name, $0.value] }, ["EXPIRE", key, "86400"]],
                                                  timeout: timeout)
        if let refusal = replies.lazy.compactMap(\.errorMessage).first { throw RESPError.refused(Self.safe(refusal)) }
    }

    public func leave(shard: String) async {
        if let connection = try? connection() {
            _ = try? await connection.send([["ZREM", prefix + "shards", shard], ["HDEL", prefix + "infos", shard]], timeout: timeout)
            connection.close()
        }
        link.withLock { $0 = Link() }
    }

    /// Runs a loaded script; loads it again when the store forgot it (it restarted).
    private func evaluate(_ script: String, keys: [String], arguments: [String]) async throws(RESPError) -> RESPValue {
        let connection = try connection()
        let source = Self.scripts.first { $0.name == script }?.source ?? ""
        let sha = link.withLock { $0.scripts[script] } ?? ""
        let call = ["EVALSHA", sha, String(keys.count)] + keys.map { prefix + $0 } + arguments
        var reply = try await connection.send(call, timeout: timeout)
        if reply.errorMessage?.hasPrefix("NOSCRIPT") == true {
            let loaded = try await connection.send(["SCRIPT", "LOAD", source], timeout: timeout)
            guard let newSHA = loaded.text else { throw RESPError.refused(Self.safe(loaded.errorMessage ?? "SCRIPT LOAD failed")) }
            link.withLock { $0.scripts[script] = newSHA }
            reply = try await connection.send(["EVALSHA", newSHA] + call.dropFirst(2), timeout: timeout)
        }
        if let message = reply.errorMessage { throw RESPError.refused(Self.safe(message)) }
        return reply
    }

    private func connection() throws(RESPError) -> RESPConnection {
        guard let connection = link.withLock({ $0.connection }), connection.isActive else { throw RESPError.connectionClosed }
        return connection
    }

    /// A server's error reply, short and on one line (Redis never echoes an AUTH argument).
    private static func safe(_ message: String) -> String {
        String(TerminalText.sanitized(String(message.prefix(200)), keepsLayout: false))
    }
}
