#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The control endpoint's JSON: snake_case keys, non-finite numbers as the strings `inf`, `-inf`,
/// `nan` (JSON has none), the same settings both ways.
public enum StatusCoding {
    public static func encode(_ value: some Encodable) -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        // Every value here is plain data; a failure would be a bug, and the client then sees `{}`.
        return (try? Array(encoder.encode(value))) ?? Array("{}".utf8)
    }

    public static func decode<Value: Decodable>(_ type: Value.Type, from bytes: some Collection<UInt8>) throws -> Value {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        decoder.nonConformingFloatDecodingStrategy = .convertFromString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return try decoder.decode(type, from: Data(bytes))
    }
}
