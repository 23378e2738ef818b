extension EndpointFile {
    /// `--endpoint URL[@WEIGHT]+free` or `+price=IN/OUT` (US dollars per million input and output
    /// tokens): the endpoint's own price, and the rest of the spec. A spec without either is given back whole.
    public static func price(ofSpec spec: String) throws(EngineError) -> (ModelPrice?, String) {
        guard let plus = spec.lastIndex(of: "+") else { return (nil, spec) }
        let suffix = spec[spec.index(after: plus)...].lowercased()
        let rest = String(spec[..<plus])
        if suffix == "free" { return (ModelPrice(input: 0, output: 0), rest) }
        guard suffix.hasPrefix("price=") else { return (nil, spec) }
        let parts = suffix.dropFirst("price=".count).split(separator: "/", omittingEmptySubsequences: false)
        let numbers = parts.compactMap { DecimalText.double($0) }.filter { $0.isFinite && $0 >= 0 && $0 < 1_000_000 }
        guard parts.count == 2, numbers.count == 2 else {
            throw .configuration("+price= takes US dollars per million input and output tokens, like +price=0.15/0.60")
        }
        return (ModelPrice(input: numbers[0] / 1e6, output: numbers[1] / 1e6), rest)
    }
}
