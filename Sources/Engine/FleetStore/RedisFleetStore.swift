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
    /// Seconds each call may take.
    private let timeout: Double
    private struct Link {
        var connection: RESPConnection?
        var scripts: [String: String] = [:]
    }

    private let link = Mutex(Link())

    /// - Parameters:
    ///   - password: from the environment (`--limits_store_password_env`), never from the URL.
    ///   - tls: what `rediss://` trusts and presents (the run's CA files, the store's client certificate).
    public init(address: StoreAddress, fleet: String, password: String?, tls: TLSSettings?, timeout: Double = 1) throws(EngineError) {
        self.address = address
        self.password = password
        self.tls = address.usesTLS ? try (tls ?? TLSSettings()).makeContext() : nil
        self.timeout = timeout
        prefix = "fanout:{\(fleet)}:"
    }

    public func connect() async throws(RESPError) {
        link.withLock { $0.connection?.close(); $0 = Link() }
        let connection = try await RESPConnection.connect(host: address.host, port: address.port, tls: address.usesTLS ? tls : nil,
                                                          serverHostname: address.usesTLS ? address.host : nil, timeout: timeout)
        do throws(RESPError) {
            var setup: [[String]] = []
            if let password { setup.append(address.user.map { ["AUTH", $0, password] } ?? ["AUTH", password]) }
            if address.database != 0 { setup.append(["SELECT", String(address.database)]) }
            setup.append(["SCRIPT", "LOAD", FleetScripts.heartbeat])
            setup.append(["SCRIPT", "LOAD", FleetScripts.lease])
            let replies = try await connection.send(setup, timeout: max(timeout, 2))
            if let refusal = replies.lazy.compactMap(\.errorMessage).first { throw RESPError.refused(Self.safe(refusal)) }
            let shas = replies.suffix(2).compactMap(\.text)
            guard shas.count == 2 else { throw RESPError.protocolViolation("no SHA1 for a loaded script") }
            link.withLock { $0 = Link(connection: connection, scripts: ["heartbeat": shas[0], "lease": shas[1]]) }
        } catch {
            connection.close()
            throw error
        }
    }

    public func heartbeat(_ beat: FleetBeat) async throws(RESPError) -> FleetBeatReply {
        var arguments = [beat.shard, beat.info, String(beat.forgetAfter)]
        for (name, value) in beat.held.sorted(by: { $0.key < $1.key }) { arguments += [name, value] }
        let reply = try await evaluate("heartbeat", keys: ["shards", "infos", "settings"], arguments: arguments)
        guard let parts = reply.elements, parts.count == 3, let added = parts[0].number, let shards = parts[1].number,
              let flat = parts[2].elements else { throw RESPError.protocolViolation("a heartbeat reply of another shape") }
        var settings: [String: String] = [:]
        for pair in stride(from: 0, to: flat.count - 1, by: 2) {
            if let name = flat[pair].text, let value = flat[pair + 1].text { settings[name] = value }
        }
        return FleetBeatReply(isNew: added > 0, shards: Int(shards), settings: settings)
    }

    public func lease(rate: Double, want: Int, horizon: Double) async throws(RESPError) -> FleetGrant {
        let reply = try await evaluate("lease", keys: ["settings", "bucket:rate"], arguments: [String(rate), String(want), String(horizon)])
        guard let parts = reply.elements, parts.count == 3, let tokens = parts[0].number, let wait = parts[1].number,
              let inForce = parts[2].number else { throw RESPError.protocolViolation("a lease reply of another shape") }
        return FleetGrant(tokens: max(0, min(want, Int(tokens))), wait: max(0, min(1, wait)), rate: inForce)
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
        let source = script == "heartbeat" ? FleetScripts.heartbeat : FleetScripts.lease
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
