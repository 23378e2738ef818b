import ArgumentParser

/// "did you mean …?" for a mistyped option or subcommand, and the fanout spelling of options
/// users bring from other tools.
enum DidYouMean {
    /// The closest of `candidates` to `word` by edit distance, when close enough to be a typo
    /// (at most a quarter of its length, and at least 2, edits).
    static func closest(to word: String, among candidates: [String]) -> String? {
        let typed = Array(word.lowercased())
        var best: (String, Int)?
        for candidate in candidates {
            let distance = editDistance(typed, Array(candidate.lowercased()))
            if distance < (best?.1 ?? .max) { best = (candidate, distance) }
        }
        guard let (candidate, distance) = best, distance > 0, distance <= max(2, typed.count / 4) else { return nil }
        return candidate
    }

    /// Every `--option` a command's help lists (the help is the one list of options there is).
    static func options(of command: any ParsableCommand.Type) -> [String] {
        let help = command.helpMessage(includeHidden: true, columns: 10_000)
        var names: Set<String> = []
        var index = help.startIndex
        while let start = help[index...].firstRange(of: "--") {
            let end = help[start.upperBound...].firstIndex { !($0.isLetter || $0.isNumber || $0 == "_" || $0 == "-") } ?? help.endIndex
            let name = "--" + help[start.upperBound..<end]
            if name.count > 3 { names.insert(String(name)) }
            index = end
        }
        return names.sorted()
    }

    /// A better sentence than argument-parser's `message` about `arguments`, when there is one: an
    /// option no command knows (named even when the parser complained of something else first),
    /// with the known option nearest to it, or a first word near a subcommand's name.
    static func sentence(for message: String, arguments: [String]) -> String? {
        let commands = FanoutCommand.configuration.subcommands
        let subcommands = commands.compactMap { $0.configuration.commandName }
        if let first = arguments.first, !first.hasPrefix("-"), !subcommands.contains(first),
           let near = closest(to: first, among: subcommands) {
            return "\(first) is not a fanout command — did you mean fanout \(near)?"
        }
        let command = commands.first { $0.configuration.commandName == arguments.first } ?? RunCommand.self
        let known = Set(options(of: command) + ["--help", "--version", "--experimental-dump-help"])
        for argument in arguments where argument.hasPrefix("--") && argument.count > 2 {
            let name = String(argument.prefix { $0 != "=" })
            guard !known.contains(name), !name.hasPrefix("--generate-completion"), !name.hasPrefix("--experimental") else { continue }
            let near = closest(to: name, among: Array(known))
            return "unknown option \(name)" + (near.map { " — did you mean \($0)?" } ?? "")
        }
        return nil
    }

    private static func editDistance(_ a: [Character], _ b: [Character]) -> Int {
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var previous = Array(0...b.count)
        var current = previous
        for i in 1...a.count {
            current[0] = i
            for j in 1...b.count {
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            swap(&previous, &current)
        }
        return previous[b.count]
    }
}
