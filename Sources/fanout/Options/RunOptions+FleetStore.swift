import ArgumentParser
import Engine
import Foundation

extension RunOptions {
    /// `--limits_store` read and checked (nil without one); every refusal one sentence, never a password.
    func storeAddress() throws -> StoreAddress? {
        guard let limitsStore else {
            if fleet != nil { throw ValidationError("--fleet names the fleet whose limits shards share through --limits_store; give --limits_store redis://HOST:PORT with it.") }
            return nil
        }
        do {
            let address = try StoreAddress(limitsStore)
            if (limitsStoreClientCert != nil || limitsStoreClientKey != nil) && !address.usesTLS {
                throw ValidationError("--limits_store_client_cert and --limits_store_client_key are for a TLS store (rediss://…).")
            }
            if let fleet, fleet.isEmpty || fleet.count > 100 || fleet.contains(where: { $0.isWhitespace || $0.isNewline || "{}".contains($0) }) {
                throw ValidationError("--fleet must be 1 to 100 characters without spaces or braces, not \"\(TerminalText.sanitized(String(fleet.prefix(40)), keepsLayout: false))\".")
            }
            return address
        } catch let refusal as StoreAddress.Refusal {
            throw ValidationError(refusal.description + ".")
        }
    }

    /// The fleet store's settings for the engine: the address, the fleet's name, this shard's id.
    func fleetStoreConfiguration(inputPath: String, endpoints: [EndpointConfiguration], shard: Shard?) throws -> FleetStoreConfiguration? {
        guard let address = try storeAddress() else { return nil }
        let name = fleet ?? Self.defaultFleetName(inputPath: inputPath, endpoints: endpoints.map(\.name))
        let host = ProcessInfo.processInfo.hostName
        let pid = ProcessInfo.processInfo.processIdentifier
        let id = "\(host):\(pid):\(Int(WallClock.now() * 1000))"
        var info: [UInt8] = []
        JSONValue.object([
            JSONField("pid", .number(Double(pid))), JSONField("host", .string(host)),
            JSONField("shard", shard.map { .string($0.description) } ?? .null),
        ]).encode(into: &info)
        return FleetStoreConfiguration(address: address, fleet: name, shardID: id, info: String(decoding: info, as: UTF8.self),
                                       cap: fleetMaxCost)
    }

    /// The fleet's default name: a fingerprint of the input file's name (not its folder) and the
    /// endpoints' names, so the shards of one job meet with no configuration wherever each keeps
    /// its copy of the input.
    static func defaultFleetName(inputPath: String, endpoints: [String]) -> String {
        let name = inputPath.split(separator: "/").last.map(String.init) ?? inputPath
        let bytes = Array(([name] + endpoints.sorted()).joined(separator: "\n").utf8)
        return "job-" + String(LineFingerprint.of(bytes), radix: 16)
    }

    /// The store's TLS context for rediss:// (the run's trust, the store's own client certificate).
    func storeTLS(environment: [String: String]) throws -> TLSSettings {
        var tls = TLSSettings(environment: environment)
        tls.caFiles = caFile.map { [$0] } ?? []
        tls.clientCertificate = limitsStoreClientCert
        tls.clientKey = limitsStoreClientKey
        tls.offersHTTP2 = false
        return tls
    }
}
