/// A `multipart/form-data` body: text fields, then one file.
enum Multipart {
    static func body(boundary: String, fields: [(String, String)], file: (name: String, filename: String, bytes: [UInt8])) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(file.bytes.count + 512)
        for (name, value) in fields {
            out += Array("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(name)\"\r\n\r\n\(value)\r\n".utf8)
        }
        out += Array("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(file.name)\"; filename=\"\(file.filename)\"\r\nContent-Type: application/jsonl\r\n\r\n".utf8)
        out += file.bytes
        out += Array("\r\n--\(boundary)--\r\n".utf8)
        return out
    }
}
