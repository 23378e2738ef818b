/// Which endpoints a record may go to by their API: any, when its body translates; else only
/// those of its own dialect; none (an error record naming what did not translate) when the run
/// has no endpoint of its dialect and the body does not translate.
struct DialectRouting: Sendable {
    let present: Set<APIDialect>

    init(_ dialects: [APIDialect]) {
        present = Set(dialects)
    }

    /// Marks whether `record` translates (only checked when endpoints of another dialect are
    /// configured); the reason it cannot be sent anywhere, or nil.
    func refusal(for record: inout RequestRecord) -> String? {
        guard let other = present.first(where: { $0 != record.dialect }) else { return nil }
        do {
            record.translated = try record.body(in: other)
            record.translates = true
            return nil
        } catch {
            record.translates = false
            guard !present.contains(record.dialect) else { return nil }
            return "cannot be sent to \(other == .anthropic ? "the Anthropic endpoints" : "the OpenAI-compatible endpoints"), the only kind this run has: \(error.description)"
        }
    }
}
