#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// How one endpoint's requests travel: straight to it, or through an HTTP proxy (a CONNECT
/// tunnel for https, absolute-form requests for http), and which setting decided it.
public struct ProxyRoute: Sendable, Hashable, CustomStringConvertible {
    /// nil: direct.
    public let proxy: ProxyServer?
    /// What chose this route: `--proxy`, the endpoint's `proxy`, an environment variable, `NO_PROXY`…
    public let reason: String

    public static let direct = ProxyRoute(proxy: nil, reason: "no proxy set")

    public init(proxy: ProxyServer?, reason: String) {
        self.proxy = proxy
        self.reason = reason
    }

    /// `direct (NO_PROXY)` or `via proxy http://***@proxy:3128 (HTTPS_PROXY)`: never credentials.
    public var description: String {
        proxy.map { "via proxy \($0) (\(reason))" } ?? "direct (\(reason))"
    }
}

/// A proxy setting as written: a proxy URL, or `none` for direct.
public enum ProxyChoice: Sendable, Hashable {
    case direct
    case proxy(ProxyServer)

    /// `none` (or an empty value) is direct; anything else must be a proxy URL.
    public static func parse(_ text: String) throws(EngineError) -> ProxyChoice {
        let trimmed = String(Substring(text).trimmingWhitespace)
        if trimmed.isEmpty || trimmed.lowercased() == "none" { return .direct }
        return .proxy(try ProxyServer.parse(trimmed))
    }
}

/// Chooses each endpoint's route: its own `proxy` first, then `--proxy`, then the environment as
/// curl reads it (`https_proxy`/`HTTPS_PROXY` for https, `http_proxy`/`HTTP_PROXY` for http, then
/// `all_proxy`/`ALL_PROXY`; lower case first), where `NO_PROXY` and loopback hosts go direct.
/// Proxies named on the command line or per endpoint are used as given, loopback included.
public struct ProxySettings: Sendable {
    /// `--proxy`: nil to read the environment.
    public var runChoice: ProxyChoice?
    public var environment: [String: String]

    public init(runChoice: ProxyChoice? = nil, environment: [String: String]) {
        self.runChoice = runChoice
        self.environment = environment
    }

    /// The route for an endpoint at `url` whose entry set `endpointChoice` (nil: not set).
    public func route(for url: EndpointURL, endpointChoice: ProxyChoice? = nil) throws(EngineError) -> ProxyRoute {
        if let endpointChoice { return Self.route(endpointChoice, reason: "the endpoint's proxy") }
        if let runChoice { return Self.route(runChoice, reason: "--proxy") }
        let names = url.isTLS ? ["https_proxy", "HTTPS_PROXY"] : ["http_proxy", "HTTP_PROXY"]
        guard let (name, value) = variable(names + ["all_proxy", "ALL_PROXY"]) else { return .direct }
        if Self.isLoopback(url.host) { return ProxyRoute(proxy: nil, reason: "loopback, not proxied from \(name)") }
        if let (noName, noValue) = variable(["no_proxy", "NO_PROXY"]), NoProxyList(noValue).matches(host: url.host, port: url.port) {
            return ProxyRoute(proxy: nil, reason: noName)
        }
        do {
            return Self.route(try ProxyChoice.parse(value), reason: name)
        } catch {
            throw .configuration("\(name): \(error.description)")
        }
    }

    private func variable(_ names: [String]) -> (String, String)? {
        for name in names {
            if let value = environment[name], !value.allSatisfy(\.isWhitespace) { return (name, value) }
        }
        return nil
    }

    private static func route(_ choice: ProxyChoice, reason: String) -> ProxyRoute {
        switch choice {
        case .direct: ProxyRoute(proxy: nil, reason: reason == "--proxy" ? "--proxy none" : "\(reason) is none")
        case .proxy(let server): ProxyRoute(proxy: server, reason: reason)
        }
    }

    /// `localhost`, names under `.localhost`, 127.0.0.0/8, 0.0.0.0/8 and ::1, in any form the
    /// resolver takes (`127.1`, `2130706433`, `0x7f.1`), so no spelling sends loopback traffic out.
    static func isLoopback(_ host: String) -> Bool {
        var name = host.lowercased()
        while name.hasSuffix(".") { name.removeLast() }
        if name == "localhost" || name.hasSuffix(".localhost") { return true }
        if let address = IPAddress(name) { return address.isLoopback || address.bytes.count == 4 && address.bytes[0] == 0 }
        var parsed = in_addr()
        guard inet_aton(name, &parsed) != 0 else { return false }
        let first = UInt32(bigEndian: parsed.s_addr) >> 24
        return first == 127 || first == 0
    }
}
