import ArgumentParser
import Engine

extension RunOptions {
    /// Gives each endpoint its route (its own `proxy`, `--proxy`, or the environment's proxy
    /// variables) and its TLS settings (`SSL_CERT_FILE`/`SSL_CERT_DIR`, `--ca_file`, its own
    /// `ca_file`, client certificate, `--http1`), and reads every certificate file now, so a bad
    /// one stops the run before it starts.
    func applyNetwork(to endpoints: inout [EndpointConfiguration], environment: [String: String]) throws {
        let runChoice: ProxyChoice?
        do {
            runChoice = try proxy.map { text throws(EngineError) in try ProxyChoice.parse(text) }
        } catch {
            throw ValidationError("--proxy: \(error.description).")
        }
        let settings = ProxySettings(runChoice: runChoice, environment: environment)
        var checked: Set<TLSSettings> = []
        for index in endpoints.indices {
            var endpoint = endpoints[index]
            do {
                endpoint.route = try settings.route(for: endpoint.url, endpointChoice: endpoint.proxyChoice)
            } catch {
                throw ValidationError("\(error.description).")
            }
            let base = TLSSettings(environment: environment)
            endpoint.tls.rootsFile = base.rootsFile
            endpoint.tls.rootsDirectory = base.rootsDirectory
            endpoint.tls.caFiles = (caFile.map { [$0] } ?? []) + endpoint.tls.caFiles
            endpoint.tls.offersHTTP2 = !http1
            if endpoint.url.isTLS, endpoint.tls.isCustom, checked.insert(endpoint.tls).inserted {
                do {
                    _ = try endpoint.tls.makeContext()
                } catch {
                    throw ValidationError("endpoint \(endpoint.name): \(error.description).")
                }
            }
            endpoints[index] = endpoint
        }
    }
}

extension EndpointConfiguration {
    /// One line for the start of a run: the endpoint, its route (never credentials) and, when it
    /// differs from the system's, what its TLS trusts.
    var routeLine: String {
        var line = "\(name) (\(url)): \(route)"
        if url.isTLS {
            var trust: [String] = []
            if let file = tls.rootsFile { trust.append("SSL_CERT_FILE \(file)") }
            if let directory = tls.rootsDirectory { trust.append("SSL_CERT_DIR \(directory)") }
            trust += tls.caFiles.map { "ca_file \($0)" }
            if !trust.isEmpty { line += "; trusts \(trust.joined(separator: ", "))" }
            if let certificate = tls.clientCertificate { line += "; client certificate \(certificate)" }
            if !tls.offersHTTP2 { line += "; HTTP/1.1 only" }
        }
        return line
    }
}
