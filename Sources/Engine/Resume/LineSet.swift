/// A set of line numbers as a bitmap: one bit a line, so a 10-million-line file costs 1.25 MB.
struct LineSet: Sendable {
    private var words: [UInt64] = []

    func contains(_ line: Int) -> Bool {
        guard line >= 0 else { return false }
        let word = line >> 6
        return word < words.count && words[word] & (1 << UInt64(line & 63)) != 0
    }

    mutating func insert(_ line: Int) {
        guard line >= 0 else { return }
        let word = line >> 6
        if word >= words.count { words.append(contentsOf: repeatElement(0, count: max(word + 1 - words.count, words.count))) }
        words[word] |= 1 << UInt64(line & 63)
    }
}
