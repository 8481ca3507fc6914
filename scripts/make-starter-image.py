"""Draw the starter project's figure: each state convention's vote on the Constitution.

Run from the repository root: python scripts/make-starter-image.py
Writes coursepack/starter/assets/ratification-votes.png (committed; the package
carries the PNG, not this script). Votes as recorded by the state conventions,
in the order the states ratified.
"""
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

VOTES = [  # state, date of ratification, yes, no
    ("Delaware", "Dec 7, 1787", 30, 0),
    ("Pennsylvania", "Dec 12, 1787", 46, 23),
    ("New Jersey", "Dec 18, 1787", 38, 0),
    ("Georgia", "Jan 2, 1788", 26, 0),
    ("Connecticut", "Jan 9, 1788", 128, 40),
    ("Massachusetts", "Feb 6, 1788", 187, 168),
    ("Maryland", "Apr 28, 1788", 63, 11),
    ("South Carolina", "May 23, 1788", 149, 73),
    ("New Hampshire", "Jun 21, 1788", 57, 47),
    ("Virginia", "Jun 25, 1788", 89, 79),
    ("New York", "Jul 26, 1788", 30, 27),
    ("North Carolina", "Nov 21, 1789", 194, 77),
    ("Rhode Island", "May 29, 1790", 34, 32),
]
FONTS = Path("templates/fonts")
SCALE = 2  # drawn at twice the size, then reduced: smooth edges
WIDTH, ROW, TOP, LEFT, BAR = 900, 30, 56, 300, 480
YES, NO, INK, RULE = (38, 84, 124), (196, 120, 60), (30, 30, 30), (200, 200, 200)


def main() -> None:
    height = TOP + ROW * len(VOTES) + 40
    image = Image.new("RGB", (WIDTH * SCALE, height * SCALE), "white")
    draw = ImageDraw.Draw(image)
    regular = ImageFont.truetype(str(FONTS / "LinBiolinum_R.otf"), 15 * SCALE)
    bold = ImageFont.truetype(str(FONTS / "LinBiolinum_RB.otf"), 17 * SCALE)
    s = lambda *xs: [x * SCALE for x in xs]  # noqa: E731
    draw.text(s(16, 14), "Share of each convention voting yes (blue) and no (orange)", font=bold, fill=INK)
    for index, (state, date, yes, no) in enumerate(VOTES):
        y = TOP + index * ROW
        label_font = bold if index == 8 else regular  # the ninth state put the Constitution into effect
        draw.text(s(16, y + 4), f"{index + 1}. {state}", font=label_font, fill=INK)
        draw.text(s(175, y + 4), date, font=regular, fill=INK)
        split = LEFT + round(BAR * yes / (yes + no))
        draw.rectangle(s(LEFT, y + 4, split, y + ROW - 6), fill=YES)
        if no:
            draw.rectangle(s(split, y + 4, LEFT + BAR, y + ROW - 6), fill=NO)
        draw.text(s(LEFT + BAR + 10, y + 4), f"{yes}–{no}", font=regular, fill=INK)
    middle = LEFT + BAR // 2
    draw.line(s(middle, TOP - 4, middle, TOP + ROW * len(VOTES) - 4), fill=RULE, width=SCALE)
    draw.text(s(middle - 12, TOP + ROW * len(VOTES)), "50%", font=regular, fill=INK)
    image = image.resize((WIDTH, height), Image.LANCZOS).quantize(16)
    out = Path("coursepack/starter/assets/ratification-votes.png")
    image.save(out, optimize=True)
    print(f"wrote {out} ({out.stat().st_size} bytes)")


if __name__ == "__main__":
    main()
