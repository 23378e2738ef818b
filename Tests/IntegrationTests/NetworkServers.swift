import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Real third-party servers for the network tests: a throwaway certificate authority (openssl),
/// nginx over TLS in front of a mock, and tinyproxy. Each runs in the foreground as a child in a
/// directory of its own, on ports picked free on 127.0.0.1, and is stopped by the test.
enum NetworkServers {
    /// A scratch directory.
    static func directory(_ name: String) throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("fanout-\(name)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// A TCP port nobody listens on now.
    static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0 }
        }
        guard bound else { throw Failure("no free port") }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    /// Waits until something accepts connections on 127.0.0.1:`port` (up to 10 s).
    static func waitForListener(_ port: Int, process: Process, seconds: Double = 10) throws {
        for _ in 0..<Int(seconds * 20) {
            guard process.isRunning else { throw Failure("the server exited at start (status \(process.terminationStatus))") }
            let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_addr.s_addr = inet_addr("127.0.0.1")
            address.sin_port = in_port_t(UInt16(port).bigEndian)
            let connected = withUnsafePointer(to: &address) { pointer in
                pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 }
            }
            close(fd)
            if connected { return }
            usleep(50_000)
        }
        throw Failure("nothing listens on \(port) after 10 s")
    }

    struct Failure: Error, CustomStringConvertible {
        let description: String
        init(_ description: String) { self.description = description }
    }

    /// Runs a tool to the end; throws with its stderr when it fails.
    static func run(_ tool: String, _ arguments: [String], in directory: URL) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: tool)
        process.arguments = arguments
        process.currentDirectoryURL = directory
        process.standardOutput = FileHandle.nullDevice
        let errors = Pipe()
        process.standardError = errors
        try process.run()
        let text = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw Failure("\(tool) \(arguments.first ?? ""): \(String(decoding: text, as: UTF8.self))") }
    }

    /// Runs a tool (a path, or a name found on PATH) to the end and returns its stdout; throws with
    /// its stderr when it fails.
    static func output(_ tool: String, _ arguments: [String]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: tool.hasPrefix("/") ? tool : "/usr/bin/env")
        process.arguments = tool.hasPrefix("/") ? arguments : [tool] + arguments
        let out = Pipe(), errors = Pipe()
        process.standardOutput = out
        process.standardError = errors
        try process.run()
        let text = out.fileHandleForReading.readDataToEndOfFile()
        let problem = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw Failure("\(tool): \(String(decoding: problem, as: UTF8.self))") }
        return String(decoding: text, as: UTF8.self)
    }

    /// The first of `candidates` that exists (Debian puts nginx in /usr/sbin).
    static func tool(_ candidates: String...) throws -> String {
        guard let found = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else {
            throw Failure("\(candidates[0]) is not installed (.ci/run installs it)")
        }
        return found
    }
}

/// A throwaway certificate authority with a server certificate for `localhost` (and, unless
/// `hostnames` says otherwise, 127.0.0.1) and a client certificate, all PEM files in `directory`.
struct TestPKI {
    let directory: URL
    var caCertificate: String { path("ca.pem") }
    var serverCertificate: String { path("server.pem") }
    var serverKey: String { path("server.key") }
    var clientCertificate: String { path("client.pem") }
    var clientKey: String { path("client.key") }
    /// A key that belongs to no certificate here.
    var strayKey: String { path("stray.key") }

    func path(_ name: String) -> String { directory.appendingPathComponent(name).path }

    init(in directory: URL, hostnames: String = "DNS:localhost,IP:127.0.0.1") throws {
        self.directory = directory
        let openssl = try NetworkServers.tool("/usr/bin/openssl")
        func run(_ arguments: [String]) throws { try NetworkServers.run(openssl, arguments, in: directory) }
        try run(["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.pem", "-days", "2", "-subj", "/CN=fanout test CA"])
        try "subjectAltName=\(hostnames)\n".write(toFile: path("server.ext"), atomically: true, encoding: .utf8)
        try "extendedKeyUsage=clientAuth\n".write(toFile: path("client.ext"), atomically: true, encoding: .utf8)
        for (name, subject) in [("server", "/CN=localhost"), ("client", "/CN=fanout client")] {
            try run(["req", "-newkey", "rsa:2048", "-nodes", "-keyout", "\(name).key", "-out", "\(name).csr", "-subj", subject])
            try run(["x509", "-req", "-in", "\(name).csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial", "-out", "\(name).pem",
                     "-days", "2", "-extfile", "\(name).ext"])
        }
        try run(["genrsa", "-out", "stray.key", "2048"])
    }
}

/// nginx over TLS (HTTP/2 offered unless `http2` is false) in front of a backend on 127.0.0.1.
final class Nginx {
    let port: Int
    let directory: URL
    private let process: Process

    /// - Parameters:
    ///   - clientCA: when set, clients must present a certificate this CA signed (mutual TLS).
    ///   - extra: more directives for the server block (e.g. `http2_max_concurrent_streams 8;`).
    init(backendPort: Int, pki: TestPKI, http2: Bool = true, clientCA: String? = nil, extra: String = "") throws {
        directory = try NetworkServers.directory("nginx")
        port = try NetworkServers.freePort()
        let clientAuth = clientCA.map { "ssl_client_certificate \($0); ssl_verify_client on;" } ?? ""
        let configuration = """
        worker_processes 1;
        pid \(directory.path)/nginx.pid;
        error_log \(directory.path)/error.log;
        events { worker_connections 16384; }
        http {
          log_format fanout "$connection $server_protocol $status $request_method";
          access_log \(directory.path)/access.log fanout;
          client_body_temp_path \(directory.path)/body;
          proxy_temp_path \(directory.path)/proxy;
          upstream backend { server 127.0.0.1:\(backendPort); keepalive 256; }
          server {
            listen 127.0.0.1:\(port) ssl\(http2 ? " http2" : "");
            ssl_certificate \(pki.serverCertificate);
            ssl_certificate_key \(pki.serverKey);
            \(clientAuth)
            \(extra)
            location / {
              proxy_pass http://backend; proxy_http_version 1.1; proxy_set_header Connection ""; proxy_buffering off;
            }
          }
        }
        """
        try configuration.write(to: directory.appendingPathComponent("nginx.conf"), atomically: true, encoding: .utf8)
        process = Process()
        process.executableURL = URL(fileURLWithPath: try NetworkServers.tool("/usr/sbin/nginx", "/usr/bin/nginx"))
        process.arguments = ["-p", directory.path, "-c", directory.appendingPathComponent("nginx.conf").path, "-e", directory.appendingPathComponent("error.log").path, "-g", "daemon off;"]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        try NetworkServers.waitForListener(port, process: process)
    }

    /// The access log's POSTs (the requests fanout sends; its one guess at `GET /metrics` at start is
    /// left out): `connection protocol status`.
    var requests: [(connection: String, protocol: String, status: String)] {
        let text = (try? String(contentsOf: directory.appendingPathComponent("access.log"), encoding: .utf8)) ?? ""
        return text.split(separator: "\n").compactMap { line in
            let parts = line.split(separator: " ")
            return parts.count == 4 && parts[3] == "POST" ? (String(parts[0]), String(parts[1]), String(parts[2])) : nil
        }
    }

    func stop() {
        process.terminate()
        process.waitUntilExit()
        try? FileManager.default.removeItem(at: directory)
    }
}

/// tinyproxy on 127.0.0.1, optionally with Basic credentials or only some CONNECT ports allowed.
final class Tinyproxy {
    let port: Int
    let directory: URL
    private let process: Process

    init(credentials: (user: String, password: String)? = nil, connectPorts: [Int]? = nil) throws {
        directory = try NetworkServers.directory("tinyproxy")
        port = try NetworkServers.freePort()
        var configuration = """
        Port \(port)
        Listen 127.0.0.1
        Timeout 30
        MaxClients 1000
        LogLevel Connect
        LogFile "\(directory.path)/tinyproxy.log"
        PidFile "\(directory.path)/tinyproxy.pid"

        """
        if let credentials { configuration += "BasicAuth \(credentials.user) \(credentials.password)\n" }
        for port in connectPorts ?? [] { configuration += "ConnectPort \(port)\n" }
        try configuration.write(to: directory.appendingPathComponent("tinyproxy.conf"), atomically: true, encoding: .utf8)
        process = Process()
        process.executableURL = URL(fileURLWithPath: try NetworkServers.tool("/usr/bin/tinyproxy", "/usr/sbin/tinyproxy"))
        process.arguments = ["-d", "-c", directory.appendingPathComponent("tinyproxy.conf").path]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        try NetworkServers.waitForListener(port, process: process)
    }

    var url: String { "http://127.0.0.1:\(port)" }

    /// The proxy's log, where each request it handled is a line.
    var log: String { (try? String(contentsOf: directory.appendingPathComponent("tinyproxy.log"), encoding: .utf8)) ?? "" }

    /// Requests the proxy received (CONNECTs and absolute-form requests).
    var requestCount: Int { log.split(separator: "\n").filter { $0.contains("Request (file descriptor") }.count }

    /// tinyproxy waits on its clients after SIGTERM; a test's proxy is killed outright.
    func stop() {
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        try? FileManager.default.removeItem(at: directory)
    }
}
