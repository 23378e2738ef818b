#!/usr/bin/env python3
"""Render a `tmux capture-pane -e -p` dump (text with ANSI SGR colours) to a PNG, cell by cell."""
import re
import sys

from PIL import Image, ImageDraw, ImageFont

FONT_DIR = "/usr/share/fonts/truetype/dejavu/"
SIZE = 15
PALETTE = [(30, 30, 30), (224, 82, 82), (96, 200, 96), (230, 190, 70),
           (90, 140, 230), (200, 110, 200), (80, 200, 210), (220, 220, 220)]
BRIGHT = [(110, 110, 110), (255, 110, 110), (130, 240, 130), (255, 225, 110),
          (130, 170, 255), (240, 150, 240), (120, 235, 245), (255, 255, 255)]
DEFAULT_FG, DEFAULT_BG = (215, 215, 215), (24, 26, 30)
SGR = re.compile(r"\x1b\[([0-9;]*)m")


def xterm256(n):
    if n < 8:
        return PALETTE[n]
    if n < 16:
        return BRIGHT[n - 8]
    if n < 232:
        n -= 16
        return tuple(0 if v == 0 else 55 + v * 40 for v in (n // 36, n // 6 % 6, n % 6))
    level = 8 + (n - 232) * 10
    return (level, level, level)


def parse(line):
    """Yield (character, style) for each cell of one captured line."""
    style = {"fg": None, "bg": None, "bold": False, "dim": False, "reverse": False}
    position = 0
    for match in SGR.finditer(line):
        for character in line[position:match.start()]:
            yield character, dict(style)
        position = match.end()
        codes = [int(c) if c else 0 for c in match.group(1).split(";")]
        i = 0
        while i < len(codes):
            code = codes[i]
            if code == 0:
                style = {"fg": None, "bg": None, "bold": False, "dim": False, "reverse": False}
            elif code == 1:
                style["bold"] = True
            elif code == 2:
                style["dim"] = True
            elif code == 7:
                style["reverse"] = True
            elif code in (22,):
                style["bold"] = style["dim"] = False
            elif code == 27:
                style["reverse"] = False
            elif 30 <= code <= 37:
                style["fg"] = PALETTE[code - 30]
            elif 90 <= code <= 97:
                style["fg"] = BRIGHT[code - 90]
            elif 40 <= code <= 47:
                style["bg"] = PALETTE[code - 40]
            elif 100 <= code <= 107:
                style["bg"] = BRIGHT[code - 100]
            elif code == 39:
                style["fg"] = None
            elif code == 49:
                style["bg"] = None
            elif code in (38, 48) and i + 1 < len(codes):
                if codes[i + 1] == 5 and i + 2 < len(codes):
                    style["fg" if code == 38 else "bg"] = xterm256(codes[i + 2])
                    i += 2
                elif codes[i + 1] == 2 and i + 4 < len(codes):
                    style["fg" if code == 38 else "bg"] = tuple(codes[i + 2:i + 5])
                    i += 4
            i += 1
    for character in line[position:]:
        yield character, dict(style)


def render(text, output, columns, rows):
    regular = ImageFont.truetype(FONT_DIR + "DejaVuSansMono.ttf", SIZE)
    bold = ImageFont.truetype(FONT_DIR + "DejaVuSansMono-Bold.ttf", SIZE)
    cell_w = round(regular.getlength("M"))
    cell_h = SIZE + 5
    pad = 12
    image = Image.new("RGB", (columns * cell_w + 2 * pad, rows * cell_h + 2 * pad), DEFAULT_BG)
    draw = ImageDraw.Draw(image)
    for row, line in enumerate(text.split("\n")[:rows]):
        for column, (character, style) in enumerate(parse(line)):
            if column >= columns:
                break
            fg, bg = style["fg"] or DEFAULT_FG, style["bg"] or DEFAULT_BG
            if style["reverse"]:
                fg, bg = bg, fg
            if style["dim"]:
                fg = tuple(int(v * 0.6 + DEFAULT_BG[i] * 0.4) for i, v in enumerate(fg))
            x, y = pad + column * cell_w, pad + row * cell_h
            if bg != DEFAULT_BG:
                draw.rectangle([x, y, x + cell_w - 1, y + cell_h - 1], fill=bg)
            if character in "▁▂▃▄▅▆▇█":
                # Block elements drawn as rectangles so sparklines have no font gaps.
                height = ("▁▂▃▄▅▆▇█".index(character) + 1) * cell_h // 8
                draw.rectangle([x, y + cell_h - height, x + cell_w - 1, y + cell_h - 1], fill=fg)
            elif character != " ":
                draw.text((x, y + 2), character, font=bold if style["bold"] else regular, fill=fg)
    image.save(output)


if __name__ == "__main__":
    source, target, width, height = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
    with open(source, encoding="utf-8") as handle:
        render(handle.read(), target, width, height)
