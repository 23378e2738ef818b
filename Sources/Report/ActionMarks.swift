import Engine

/// Where the operator's actions go on a time chart: actions closer together than a few pixels are
/// one mark with a count (`pause +3`), and each mark's label takes the first of four rows where it
/// does not touch the label before it; a mark with no free row joins the mark before it. So labels
/// never overlap however many keys were pressed.
enum ActionMarks {
    struct Mark: Equatable {
        var x: Double
        var row: Int
        /// The first action's words.
        var first: String
        /// The first action's words, with `+N` for the others it stands for.
        var label: String
        /// Every action it stands for, one per line (the tooltip).
        var detail: String
        var count: Int
    }

    static let rows = 4
    /// Pixels per character of a label, as the report's CSS draws them (10 px sans-serif).
    static let characterWidth = 6.0
    /// Actions closer than this many pixels are one mark.
    static let burst = 6.0

    static func place(_ actions: [OperatorAction], x: (Double) -> Double) -> [Mark] {
        var marks: [Mark] = []
        var rowEnds = Array(repeating: -Double.infinity, count: rows)
        for action in actions.sorted(by: { $0.at < $1.at }) {
            let at = x(action.at)
            let line = "\(Format.clock(action.at)) \(action.what) (\(action.source.rawValue))"
            if var last = marks.last, at - last.x < burst || !rowEnds.contains(where: { $0 + 4 <= at }) {
                // Joins the mark before it: its label grows by the count, on the row it has.
                last.count += 1
                last.detail += "\n" + line
                last.label = "\(last.first) +\(last.count - 1)"
                rowEnds[last.row] = last.x + 3 + width(last.label)
                marks[marks.count - 1] = last
                continue
            }
            let row = rowEnds.firstIndex { $0 + 4 <= at }!
            rowEnds[row] = at + 3 + width(action.what)
            marks.append(Mark(x: at, row: row, first: action.what, label: action.what, detail: line, count: 1))
        }
        return marks
    }

    static func width(_ text: String) -> Double { Double(text.count) * characterWidth }
}
