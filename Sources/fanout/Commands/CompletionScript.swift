import ArgumentParser

/// The shell completion scripts argument-parser generates, taught the form every example uses:
/// `fanout --requests_filepath …` with no subcommand is `fanout run`, so an option typed first
/// completes `run`'s options (and file options complete paths, from their declarations).
enum CompletionScript {
    /// The script for `shell` (bash, zsh or fish); nil for a shell argument-parser does not know.
    static func generate(for shell: String) -> String? {
        guard let kind = CompletionShell(rawValue: shell) else { return nil }
        let script = FanoutCommand.completionScript(for: kind)
        switch kind {
        case .bash: return patch(script, after: #"    local -a unparsed_words=("${COMP_WORDS[@]:1:${COMP_CWORD}}")"#, insert: bashRun)
        case .zsh: return patch(script, after: #"    local -ir current_word_index="$((CURRENT - 1))""#, insert: zshRun)
        case .fish: return patch(script, after: "    case 'fanout'", insert: fishRun)
        default: return script
        }
    }

    /// `line`'s first occurrence followed by `insert`; the script as it is when the line is not there.
    static func patch(_ script: String, after line: String, insert: String) -> String {
        guard let range = script.range(of: line + "\n") else { return script }
        var patched = script
        patched.insert(contentsOf: insert, at: range.upperBound)
        return patched
    }

    /// The first word is an option other than help or version: complete as `run`.
    static let bashRun = """
            if [[ "${COMP_WORDS[1]}" == -* && "${COMP_WORDS[1]}" != @(-h|--help|--version) ]]; then
                _fanout_run
                return
            fi

        """

    static let zshRun = """
            if [[ "${words[2]}" == -* && "${words[2]}" != (-h|--help|--version) ]]; then
                _fanout_run
                return
            fi

        """

    static let fishRun = """
                set -l first $unparsed_tokens[2]
                test -z "$first"; and set first (commandline -t)
                if string match -q -- '-*' $first; and not contains -- $first -h --help --version
                    set unparsed_tokens $unparsed_tokens[1] run $unparsed_tokens[2..]
                end

        """
}
