import NIOCore

/// Writes commands in RESP2: each an array of bulk strings (`*2\r\n$3\r\nGET\r\n$1\r\nk\r\n`).
public enum RESPEncoder {
    /// Appends one command, its name and arguments, to `buffer`.
    public static func write(_ command: [String], into buffer: inout ByteBuffer) {
        buffer.writeString("*\(command.count)\r\n")
        for argument in command {
            buffer.writeString("$\(argument.utf8.count)\r\n")
            buffer.writeString(argument)
            buffer.writeString("\r\n")
        }
    }

    /// The commands, pipelined one after another in one buffer.
    public static func encode(_ commands: [[String]], allocator: ByteBufferAllocator = ByteBufferAllocator()) -> ByteBuffer {
        var buffer = allocator.buffer(capacity: commands.reduce(0) { $0 + 16 + $1.reduce(0) { $0 + $1.utf8.count + 16 } })
        for command in commands { write(command, into: &buffer) }
        return buffer
    }
}
