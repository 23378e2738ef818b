import Testing
@testable import Engine

/// `--limits_store` URLs: read, shown without a password, refused with a sentence.
@Suite struct StoreAddressTests {
    /// Host, port, database, TLS and an ACL user are read; the display never adds anything secret.
    @Test func reads() throws {
        let plain = try StoreAddress("redis://127.0.0.1:6380/2")
        #expect(plain.host == "127.0.0.1" && plain.port == 6380 && plain.database == 2 && !plain.usesTLS)
        #expect(plain.display == "redis://127.0.0.1:6380/2")
        let tls = try StoreAddress("rediss://fanout@cache.internal")
        #expect(tls.usesTLS && tls.port == 6379 && tls.user == "fanout" && tls.display == "rediss://fanout@cache.internal:6379")
        #expect(try StoreAddress("redis://[::1]:7000").display == "redis://[::1]:7000")
    }

    /// A password in the URL is refused with a sentence naming where it goes, and never repeated.
    @Test func passwordRefused() {
        for url in ["redis://:hunter2@127.0.0.1:6379", "redis://user:hunter2@host", "rediss://a:hunter2@h:1/0"] {
            #expect {
                _ = try StoreAddress(url)
            } throws: { error in
                let sentence = "\(error)"
                return sentence.contains("password") && !sentence.contains("hunter2")
            }
        }
    }

    /// Other schemes, bad ports, databases and hosts are refused.
    @Test func refusals() {
        for url in ["http://h:1", "redis://", "redis://h:0", "redis://h:99999", "redis://h:1/x", "redis://h h:1", "redis://h:1/-1"] {
            #expect(throws: StoreAddress.Refusal.self, "\(url)") { _ = try StoreAddress(url) }
        }
    }
}
