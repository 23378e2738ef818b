import Foundation
import Testing
@testable import Engine

@Suite struct TLSSettingsTests {
    func file(_ text: String) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("fanout-tls-\(UUID().uuidString).pem").path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    /// The roots come from SSL_CERT_FILE / SSL_CERT_DIR when set (empty values ignored).
    @Test func readsEnvironment() {
        let settings = TLSSettings(environment: ["SSL_CERT_FILE": "/x/ca.pem", "SSL_CERT_DIR": ""])
        #expect(settings.rootsFile == "/x/ca.pem" && settings.rootsDirectory == nil && settings.offersHTTP2)
    }

    /// A CA file that is missing, a directory, or not PEM is refused at start, naming the setting.
    @Test func refusesBadCAFiles() throws {
        let notPEM = try file("hello\n")
        defer { try? FileManager.default.removeItem(atPath: notPEM) }
        let cases: [(String, String)] = [
            ("/nonexistent/ca.pem", "ca_file /nonexistent/ca.pem does not exist or cannot be read"),
            (FileManager.default.temporaryDirectory.path, "is a directory"),
            (notPEM, "holds no PEM certificate"),
        ]
        for (path, message) in cases {
            var settings = TLSSettings()
            settings.caFiles = [path]
            #expect { try settings.makeContext() } throws: { ($0 as? EngineError)?.description.contains(message) == true }
        }
    }

    /// A client certificate needs its key, and SSL_CERT_DIR must be a directory.
    @Test func refusesHalfClientCertificates() {
        var settings = TLSSettings()
        settings.clientCertificate = "/etc/hostname"
        #expect { try settings.makeContext() } throws: { ($0 as? EngineError)?.description.contains("client_cert and client_key go together") == true }
        var directory = TLSSettings()
        directory.rootsDirectory = "/etc/hostname"
        #expect { try directory.makeContext() } throws: { ($0 as? EngineError)?.description.contains("SSL_CERT_DIR /etc/hostname is a file") == true }
    }

    /// The system roots make a context; the defaults are not custom and offer HTTP/2.
    @Test func defaultsWork() throws {
        let settings = TLSSettings()
        #expect(!settings.isCustom && settings.offersHTTP2 && settings.caFiles.isEmpty && settings.clientCertificate == nil)
        #expect((try? settings.makeContext()) != nil)
    }
}
