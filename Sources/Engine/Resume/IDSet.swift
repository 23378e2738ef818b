/// A set of record ids held as 64-bit fingerprints: 8 bytes an id, whatever the id's length.
///
/// Two different ids share a fingerprint with probability about n²/2⁶⁵: for a million ids about
/// 3 in 100 million runs, for ten million ids about 3 in a million. A shared fingerprint would make
/// a later line count as a repeat of an earlier one (an error record, never a second send), or, on
/// resume, as already done. That is the price of bounded memory on huge files.
public struct IDSet: Sendable, Hashable {
    private var fingerprints: Set<UInt64> = []

    public init() {}

    public var count: Int { fingerprints.count }
    public var isEmpty: Bool { fingerprints.isEmpty }

    public func contains(_ id: String) -> Bool { fingerprints.contains(Self.fingerprint(id)) }

    /// The ids of both sets.
    public func union(_ other: IDSet) -> IDSet {
        var result = self
        result.fingerprints.formUnion(other.fingerprints)
        return result
    }

    /// Adds `id`; false when it was already there.
    @discardableResult
    public mutating func insert(_ id: String) -> Bool { fingerprints.insert(Self.fingerprint(id)).inserted }

    /// FNV-1a over the UTF-8 bytes, then a 64-bit finaliser so similar ids spread.
    static func fingerprint(_ id: String) -> UInt64 {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in id.utf8 {
            hash ^= UInt64(byte)
            hash &*= 0x0000_0100_0000_01B3
        }
        hash ^= hash >> 33
        hash &*= 0xFF51_AFD7_ED55_8CCD
        hash ^= hash >> 33
        hash &*= 0xC4CE_B9FE_1A85_EC53
        return hash ^ (hash >> 33)
    }
}
