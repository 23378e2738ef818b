import Engine
import Testing

@Suite struct ControlAddressTests {
    /// Paths have a slash; HOST:PORT and [IPv6]:PORT are TCP; anything else is refused.
    @Test func parsing() {
        #expect(ControlAddress("./run.sock") == .socket(path: "./run.sock"))
        #expect(ControlAddress("/tmp/a:1") == .socket(path: "/tmp/a:1"))
        #expect(ControlAddress("127.0.0.1:7070") == .tcp(host: "127.0.0.1", port: 7070))
        #expect(ControlAddress("[::1]:7070") == .tcp(host: "::1", port: 7070))
        #expect(ControlAddress("fleet.svc:0") == .tcp(host: "fleet.svc", port: 0))
        for bad in ["run.sock", "host:", ":80", "host:99999", "host:port", "a b:80", ""] { #expect(ControlAddress(bad) == nil, "\(bad)") }
        #expect(ControlAddress.tcp(host: "::1", port: 7).description == "[::1]:7")
    }

    /// Sockets and loopback TCP stay on this machine; any other address does not.
    @Test func locality() {
        #expect(ControlAddress("/tmp/x")!.isLocalOnly)
        #expect(ControlAddress("127.0.0.1:1")!.isLocalOnly && ControlAddress("localhost:1")!.isLocalOnly && ControlAddress("[::1]:1")!.isLocalOnly)
        #expect(!ControlAddress("0.0.0.0:1")!.isLocalOnly && !ControlAddress("10.0.0.5:1")!.isLocalOnly)
    }
}
