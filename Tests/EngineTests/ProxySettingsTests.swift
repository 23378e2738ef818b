import Testing
@testable import Engine

@Suite struct ProxySettingsTests {
    let https = EndpointURL("https://api.openai.com/v1")!
    let http = EndpointURL("http://gpu-a.corp:8000/v1")!

    /// A proxy URL is read as curl reads it: scheme optional, port 1080 by default, credentials
    /// percent-decoded and sent as Basic, never shown.
    @Test func parsesProxyURLs() throws {
        let full = try ProxyServer.parse("http://alice:s%40cret@proxy.corp:3128/")
        #expect(full.host == "proxy.corp" && full.port == 3128)
        #expect(full.authorization == "Basic " + Base64.encode(Array("alice:s@cret".utf8)))
        #expect(full.description == "http://***@proxy.corp:3128")
        #expect(!full.description.contains("alice") && !full.description.contains("cret"))
        let bare = try ProxyServer.parse("proxy.corp")
        #expect(bare.port == 1080 && bare.authorization == nil && bare.description == "http://proxy.corp:1080")
        #expect(try ProxyServer.parse("http://[::1]:8080").host == "::1")
    }

    /// Proxies fanout cannot speak to, and malformed URLs, are refused with a reason that never
    /// repeats the password.
    @Test func refusesOtherProxies() {
        for text in ["socks5://u:topsecret@h:1080", "https://u:topsecret@h:443", "http://u:topsecret@h:99999", "http://u:topsecret@h:1/path", "http://"] {
            #expect(throws: EngineError.self) { try ProxyServer.parse(text) }
            do { _ = try ProxyServer.parse(text) } catch { #expect(!error.description.contains("topsecret")) }
        }
    }

    /// Base64 matches RFC 4648's test vectors.
    @Test func base64() {
        let vectors = ["": "", "f": "Zg==", "fo": "Zm8=", "foo": "Zm9v", "foob": "Zm9vYg==", "fooba": "Zm9vYmE=", "foobar": "Zm9vYmFy"]
        for (plain, encoded) in vectors { #expect(Base64.encode(Array(plain.utf8)) == encoded) }
    }

    /// `NO_PROXY` as curl: names match themselves and everything under them (with or without a
    /// leading dot), IPs exactly or by CIDR, ports when given, `*` everything; case and a
    /// trailing dot ignored.
    @Test func noProxyMatchesLikeCurl() {
        let list = NoProxyList(" example.com, .internal.corp,10.0.0.0/8 ,192.168.1.5, [fd00::1], gpu:8443, LOCALHOST ")
        #expect(list.matches(host: "example.com", port: 443))
        #expect(list.matches(host: "api.example.com", port: 443))
        #expect(list.matches(host: "API.Example.COM.", port: 443))
        #expect(!list.matches(host: "badexample.com", port: 443))
        #expect(list.matches(host: "internal.corp", port: 80) && list.matches(host: "a.b.internal.corp", port: 80))
        #expect(list.matches(host: "10.200.3.4", port: 80) && !list.matches(host: "11.0.0.1", port: 80))
        #expect(list.matches(host: "192.168.1.5", port: 1) && !list.matches(host: "192.168.1.6", port: 1))
        #expect(list.matches(host: "fd00::1", port: 1) && list.matches(host: "[fd00:0::1]", port: 1))
        #expect(list.matches(host: "gpu", port: 8443) && !list.matches(host: "gpu", port: 8000))
        #expect(list.matches(host: "localhost", port: 1))
        #expect(NoProxyList("*").matches(host: "anything", port: 1))
        #expect(!NoProxyList("").matches(host: "anything", port: 1) && NoProxyList(" , ").isEmpty)
        #expect(NoProxyList("2001:db8::/32").matches(host: "2001:db8:1::5", port: 1))
    }

    /// The environment as curl reads it: the scheme's variable (lower case first), then ALL_PROXY;
    /// empty values are unset.
    @Test func environmentBySchemeLowerCaseFirst() throws {
        let environment = ["HTTPS_PROXY": "http://upper:3128", "https_proxy": "http://lower:3128", "HTTP_PROXY": "http://plain:3128", "all_proxy": ""]
        let settings = ProxySettings(environment: environment)
        let secure = try settings.route(for: https)
        #expect(secure.proxy?.host == "lower" && secure.reason == "https_proxy")
        #expect(try settings.route(for: http).proxy?.host == "plain")
        #expect(try ProxySettings(environment: ["ALL_PROXY": "all:1"]).route(for: http).proxy?.host == "all")
        #expect(try ProxySettings(environment: [:]).route(for: https) == .direct)
        #expect(try ProxySettings(environment: ["https_proxy": "  "]).route(for: https) == .direct)
    }

    /// Loopback never goes through a proxy from the environment; NO_PROXY hosts go direct and say so.
    @Test func loopbackAndNoProxyGoDirect() throws {
        let settings = ProxySettings(environment: ["HTTP_PROXY": "http://proxy:3128", "HTTPS_PROXY": "http://proxy:3128", "NO_PROXY": ".corp"])
        for url in ["http://127.0.0.1:8001/v1", "http://localhost:8001", "http://[::1]:8001", "http://127.3.2.1:9", "http://127.1:9",
                    "http://2130706433:9", "http://0x7f.1:9", "http://LOCALHOST.:9", "http://a.localhost:9", "http://0.0.0.0:9"] {
            let route = try settings.route(for: EndpointURL(url)!)
            #expect(route.proxy == nil && route.description.contains("loopback"))
        }
        let corp = try settings.route(for: http)
        #expect(corp.proxy == nil && corp.description == "direct (NO_PROXY)")
        #expect(try settings.route(for: https).description == "via proxy http://proxy:3128 (HTTPS_PROXY)")
    }

    /// The endpoint's own proxy beats --proxy, which beats the environment; both are used as given,
    /// loopback included, and `none` goes direct.
    @Test func explicitChoicesWin() throws {
        let loopback = EndpointURL("http://127.0.0.1:8001/v1")!
        let run = try ProxyChoice.parse("http://run:1")
        let settings = ProxySettings(runChoice: run, environment: ["HTTP_PROXY": "http://env:1", "NO_PROXY": "*"])
        #expect(try settings.route(for: loopback).proxy?.host == "run")
        #expect(try settings.route(for: loopback, endpointChoice: .proxy(ProxyServer.parse("own:2"))).proxy?.host == "own")
        #expect(try settings.route(for: loopback, endpointChoice: .direct).description == "direct (the endpoint's proxy is none)")
        #expect(try ProxySettings(runChoice: .direct, environment: ["HTTP_PROXY": "http://env:1"]).route(for: http).description == "direct (--proxy none)")
        #expect(try ProxyChoice.parse("NONE") == .direct)
    }

    /// A malformed proxy variable is an error naming the variable, without its password.
    @Test func badVariableNamesItself() {
        do {
            _ = try ProxySettings(environment: ["HTTPS_PROXY": "socks5://u:hunter2@h"]).route(for: https)
            Issue.record("expected an error")
        } catch {
            #expect(error.description.hasPrefix("HTTPS_PROXY: ") && !error.description.contains("hunter2"))
        }
    }
}
