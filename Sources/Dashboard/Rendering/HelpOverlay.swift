import Engine
/// The `?` overlay: a box listing every key, drawn over the middle of the screen.
enum HelpOverlay {
    static func draw(over lines: [ScreenLine], width: Int, attached: Bool = false) -> [ScreenLine] {
        let help = KeyBindings.help(attached: attached)
        let keyWidth = help.map(\.0.count).max() ?? 8
        let textWidth = min(width - keyWidth - 10, help.map(\.1.count).max() ?? 40)
        let inner = keyWidth + 3 + max(10, textWidth)
        var box = [ScreenLine("┌─ keys " + String(repeating: "─", count: inner - 5) + "┐", .bold)]
        for (key, action) in help {
            var line = ScreenLine("│ ", .bold)
            line.append(Format.pad(key, keyWidth), .bold)
            line.append("   " + Format.pad(action, inner - keyWidth - 3) + " ")
            line.append("│", .bold)
            box.append(line)
        }
        box.append(ScreenLine("│ " + Format.pad("any key closes this", inner) + " │", .dim))
        box.append(ScreenLine("└" + String(repeating: "─", count: inner + 2) + "┘", .bold))
        let left = max(0, (width - box[0].width) / 2)
        let top = max(1, (lines.count - box.count) / 2)
        var result = lines
        for (offset, boxLine) in box.enumerated() where top + offset < result.count - 1 {
            result[top + offset] = ScreenLine([Span(String(repeating: " ", count: left))] + boxLine.spans)
        }
        return result
    }
}
