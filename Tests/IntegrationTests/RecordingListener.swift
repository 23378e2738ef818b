import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// A TCP listener on 127.0.0.1 that answers nothing and keeps every byte any client sends, to
/// check what a client would have told a stranger's address.
final class RecordingListener: Sendable {
    let port: Int
    private let descriptor: Int32
    private let received = Mutex<[UInt8]>([])
    private let connections = Atomic<Int>(0)
    private let stopped = Atomic<Bool>(false)

    init() throws {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        self.descriptor = descriptor
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
                bind(descriptor, pointer, length) == 0 && listen(descriptor, 64) == 0 && getsockname(descriptor, pointer, &length) == 0
            }
        }
        guard bound else { throw POSIXError(.EADDRNOTAVAIL) }
        port = Int(UInt16(bigEndian: address.sin_port))
        var timeout = timeval(tv_sec: 0, tv_usec: 200_000)
        setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        let thread = Thread { [self] in acceptLoop() }
        thread.start()
    }

    /// Everything received so far, as text.
    var text: String { String(decoding: received.withLock { $0 }, as: UTF8.self) }
    var connectionCount: Int { connections.load(ordering: .relaxed) }

    func stop() {
        stopped.store(true, ordering: .relaxed)
    }

    private func acceptLoop() {
        while !stopped.load(ordering: .relaxed) {
            let client = accept(descriptor, nil, nil)
            guard client >= 0 else { continue }
            connections.add(1, ordering: .relaxed)
            var timeout = timeval(tv_sec: 0, tv_usec: 300_000)
            setsockopt(client, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
            var buffer = [UInt8](repeating: 0, count: 4096)
            let deadline = Date().addingTimeInterval(2)
            while Date() < deadline {
                let count = buffer.withUnsafeMutableBytes { recv(client, $0.baseAddress, $0.count, 0) }
                if count == 0 { break }
                if count > 0 { received.withLock { $0 += buffer[..<count] } }
            }
            close(client)
        }
        close(descriptor)
    }
}
