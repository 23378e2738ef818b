/// A 64-bit fingerprint of one input line, kept in the records of lines named by their number
/// (`line_fingerprint`), so a resumed run takes record N as done only while line N is the same line.
///
/// FNV-1a over the line's bytes (a trailing `\r` left out, as the parser ignores it), then a
/// 64-bit finaliser. Two different lines at the same number share a fingerprint with probability
/// about 2⁻⁶⁴.
public enum LineFingerprint {
    public static func of<Bytes: Collection<UInt8>>(_ bytes: Bytes) -> UInt64 {
        let hashed: UInt64? = bytes.withContiguousStorageIfAvailable { of(buffer: $0) }
        return hashed ?? Array(bytes).withUnsafeBufferPointer { of(buffer: $0) }
    }

    private static func of(buffer: UnsafeBufferPointer<UInt8>) -> UInt64 {
        var end = buffer.count
        if end > 0, buffer[end - 1] == 0x0D { end -= 1 }
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        for index in 0..<end {
            hash ^= UInt64(buffer[index])
            hash &*= 0x0000_0100_0000_01B3
        }
        return finalise(hash)
    }

    /// Mixes the bits so similar lines spread (the finaliser of MurmurHash3).
    static func finalise(_ value: UInt64) -> UInt64 {
        var hash = value
        hash ^= hash >> 33
        hash &*= 0xFF51_AFD7_ED55_8CCD
        hash ^= hash >> 33
        hash &*= 0xC4CE_B9FE_1A85_EC53
        return hash ^ (hash >> 33)
    }

    /// The 16 lower-case hex digits written in records.
    public static func text(_ fingerprint: UInt64) -> String {
        let hex = Array("0123456789abcdef".utf8)
        return String(unsafeUninitializedCapacity: 16) { buffer in
            for index in 0..<16 { buffer[index] = hex[Int((fingerprint >> UInt64(60 - 4 * index)) & 0xF)] }
            return 16
        }
    }

    /// The fingerprint from its text; nil when it is not 16 hex digits.
    public static func parse<Text: Collection<UInt8>>(_ text: Text) -> UInt64? {
        guard text.count == 16 else { return nil }
        return UInt64(String(decoding: text, as: UTF8.self), radix: 16)
    }
}
