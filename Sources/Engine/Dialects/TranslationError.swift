/// What in a request body has no counterpart in the other dialect: one sentence naming it.
public struct TranslationError: Error, Sendable, Hashable, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
