import Engine
import Foundation

/// Every address a control target names: a socket is itself; `HOST:PORT` is each address its host
/// resolves to (a Kubernetes headless Service's name resolves to every pod of its Job).
enum HostResolver {
    static func addresses(of target: ControlAddress) async -> [ControlAddress] {
        guard case .tcp(let host, let port) = target else { return [target] }
        let resolved = await Task.detached(priority: .utility) { numericHosts(host) }.value
        return resolved.isEmpty ? [target] : resolved.map { .tcp(host: $0, port: port) }
    }

    /// The numeric addresses of `host` (getaddrinfo, TCP), in the resolver's order, each once.
    static func numericHosts(_ host: String) -> [String] {
        var hints = addrinfo()
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        hints.ai_family = AF_UNSPEC
        var list: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(host, nil, &hints, &list) == 0, let first = list else { return [] }
        defer { freeaddrinfo(first) }
        var hosts: [String] = []
        var cursor: UnsafeMutablePointer<addrinfo>? = first
        while let entry = cursor {
            var buffer = [CChar](repeating: 0, count: Int(NI_MAXHOST))
            if getnameinfo(entry.pointee.ai_addr, entry.pointee.ai_addrlen, &buffer, socklen_t(buffer.count), nil, 0, NI_NUMERICHOST) == 0 {
                let text = String(cString: buffer)
                if !hosts.contains(text) { hosts.append(text) }
            }
            cursor = entry.pointee.ai_next
        }
        return hosts
    }
}
