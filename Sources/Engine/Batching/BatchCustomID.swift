/// The `custom_id` a record carries in a provider's batch: its own id when that fits the
/// provider's rules, else one derived from its line number.
///
/// Derived ids are `fanout-L` and the line (`fanout-L42`); a record whose own id begins with
/// `fanout-` gets a derived one too, so a derived id never equals another record's id (ids are
/// unique in a run, lines are unique, and no id kept as it is begins with the prefix).
public enum BatchCustomID {
    /// The prefix of every derived id; own ids that begin with it are not used as they are.
    public static let derivedPrefix = "fanout-"

    /// The custom_id of `record` in a batch of `dialect`.
    public static func of(_ record: RequestRecord, dialect: APIDialect) -> String {
        fits(record.id, dialect: dialect) ? record.id : derivedPrefix + "L\(record.line)"
    }

    /// Whether `id` can be sent as it is: Anthropic takes 1–64 characters of `[A-Za-z0-9_-]`;
    /// OpenAI any 1–512 visible ASCII characters. Ids with the derived prefix never are.
    public static func fits(_ id: String, dialect: APIDialect) -> Bool {
        guard !id.isEmpty, !id.hasPrefix(derivedPrefix) else { return false }
        switch dialect {
        case .anthropic:
            return id.utf8.count <= 64 && id.utf8.allSatisfy { byte in
                (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A) || byte == 0x5F || byte == 0x2D
            }
        case .openAI:
            return id.utf8.count <= 512 && id.utf8.allSatisfy { $0 >= 0x21 && $0 <= 0x7E }
        }
    }
}
