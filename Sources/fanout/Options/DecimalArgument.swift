import ArgumentParser
import Engine
import Foundation

/// A number option's text read as decimal only: `0x10` and other hexadecimal forms are refused.
enum DecimalArgument {
    static func parse(_ text: String) throws -> Double {
        guard let value = DecimalText.double(text.trimmingCharacters(in: .whitespaces)) else {
            throw ValidationError("\"\(TerminalText.sanitized(text, keepsLayout: false).prefix(40))\" is not a decimal number (write it like 12 or 0.5).")
        }
        return value
    }
}
