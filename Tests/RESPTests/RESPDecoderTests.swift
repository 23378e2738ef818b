import NIOCore
import RESP
import Testing

@Suite struct RESPDecoderTests {
    /// Every reply type of RESP2, with its null forms.
    static let samples: [(String, RESPValue)] = [
        ("+OK\r\n", .simpleString("OK")),
        ("-NOSCRIPT No matching script\r\n", .error("NOSCRIPT No matching script")),
        (":-42\r\n", .integer(-42)),
        ("$5\r\nhel\r\n\r\n", .bulkString(Array("hel\r\n".utf8))),
        ("$0\r\n\r\n", .bulkString([])),
        ("$-1\r\n", .bulkString(nil)),
        ("*-1\r\n", .array(nil)),
        ("*0\r\n", .array([])),
        ("*3\r\n:1\r\n*2\r\n+a\r\n$1\r\nb\r\n$-1\r\n", .array([.integer(1), .array([.simpleString("a"), .bulkString([98])]), .bulkString(nil)])),
    ]

    /// Each reply type decodes to its value and consumes exactly its bytes.
    @Test func everyReplyType() throws {
        for (wire, expected) in Self.samples {
            var buffer = ByteBuffer(string: wire + "+next\r\n")
            #expect(try RESPDecoder.decode(&buffer) == expected)
            #expect(try RESPDecoder.decode(&buffer) == .simpleString("next"))
            #expect(buffer.readableBytes == 0)
        }
    }

    /// A reply cut at any byte is incomplete (nil, nothing consumed) until its last byte comes.
    @Test func splitAtEveryByte() throws {
        for (wire, expected) in Self.samples {
            let bytes = Array(wire.utf8)
            for cut in 0..<bytes.count {
                var buffer = ByteBuffer(bytes: bytes[0..<cut])
                #expect(try RESPDecoder.decode(&buffer) == nil, "\(wire.debugDescription) cut at \(cut)")
                #expect(buffer.readableBytes == cut)
                buffer.writeBytes(bytes[cut...])
                #expect(try RESPDecoder.decode(&buffer) == expected)
                #expect(buffer.readableBytes == 0)
            }
        }
    }

    /// Bytes that break the protocol, or its bounds, are refused instead of held or trusted.
    @Test func hostileReplies() {
        for wire in ["?x\r\n", ":12a\r\n", "$-2\r\n", "$3\r\nabcd\r\n", "*-5\r\n", "$\(RESPDecoder.maxBulkLength + 1)\r\n",
                     "*\(RESPDecoder.maxArrayCount + 1)\r\n", String(repeating: "*1\r\n", count: RESPDecoder.maxDepth + 2) + ":1\r\n",
                     "+" + String(repeating: "a", count: RESPDecoder.maxLineLength + 2)] {
            var buffer = ByteBuffer(string: wire)
            #expect(throws: RESPError.self, "\(wire.prefix(30).debugDescription)") { _ = try RESPDecoder.decode(&buffer) }
        }
    }

    /// The accessors read strings, numbers held in strings, arrays and error messages.
    @Test func accessors() {
        #expect(RESPValue.bulkString(Array("0.25".utf8)).number == 0.25)
        #expect(RESPValue.integer(7).text == "7")
        #expect(RESPValue.array(nil).elements == nil)
        #expect(RESPValue.error("ERR x").errorMessage == "ERR x")
        #expect(RESPValue.bulkString(nil).text == nil)
    }
}
