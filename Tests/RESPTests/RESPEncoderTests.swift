import NIOCore
import RESP
import Testing

@Suite struct RESPEncoderTests {
    /// Commands go out as arrays of bulk strings, byte lengths counted in UTF-8, pipelined in order.
    @Test func pipelinedCommands() {
        let buffer = RESPEncoder.encode([["GET", "k"], ["SET", "é", ""]])
        #expect(String(buffer: buffer) == "*2\r\n$3\r\nGET\r\n$1\r\nk\r\n*3\r\n$3\r\nSET\r\n$2\r\né\r\n$0\r\n\r\n")
    }

    /// What the encoder writes, the decoder reads back as the same strings.
    @Test func roundTrip() throws {
        var buffer = RESPEncoder.encode([["EVALSHA", "abc", "1", "key\r\nwith CRLF"]])
        let value = try RESPDecoder.decode(&buffer)
        #expect(value?.elements?.compactMap(\.text) == ["EVALSHA", "abc", "1", "key\r\nwith CRLF"])
    }
}
