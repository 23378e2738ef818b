/// Arithmetic on figures that come from outside (status documents, answers, files): held at the
/// ends of `Int`'s range instead of trapping, so no number a peer sends can crash fanout.
extension Int {
    /// `self + other`, held at `Int.max` / `Int.min` instead of overflowing.
    public func saturatingAdding(_ other: Int) -> Int {
        let (sum, overflow) = addingReportingOverflow(other)
        return overflow ? (other > 0 ? .max : .min) : sum
    }

    /// `self - other`, held at the ends of the range instead of overflowing.
    public func saturatingSubtracting(_ other: Int) -> Int {
        let (difference, overflow) = subtractingReportingOverflow(other)
        return overflow ? (other < 0 ? .max : .min) : difference
    }

    /// `self * other`, held at the ends of the range instead of overflowing.
    public func saturatingMultiplying(_ other: Int) -> Int {
        let (product, overflow) = multipliedReportingOverflow(by: other)
        return overflow ? ((self < 0) == (other < 0) ? .max : .min) : product
    }

    /// `value` rounded toward zero, NaN as 0, and anything past the range held at its ends.
    public init(saturating value: Double) {
        if value.isNaN {
            self = 0
        } else if value >= Double(Int.max) {
            self = .max
        } else if value <= Double(Int.min) {
            self = .min
        } else {
            self = Int(value)
        }
    }
}

extension Sequence where Element == Int {
    /// The sum, held at the ends of `Int`'s range instead of overflowing.
    public func saturatingSum() -> Int { reduce(0) { $0.saturatingAdding($1) } }
}
