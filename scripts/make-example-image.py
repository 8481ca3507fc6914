"""Draw the example project's figure: how the Presidium's full members voted on 18 June 1957.

Run from the repository root: python scripts/make-example-image.py
Writes assets/presidium-vote-1957.png (committed; the example carries the PNG, not
this script). The eleven full members and their votes as the example's own topic
tells it (content/topics/khrushchev-reforms.yaml, after Conquest 1961).
"""
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

AGAINST = ["Georgy Malenkov", "Vyacheslav Molotov", "Lazar Kaganovich", "Nikolai Bulganin",
           "Kliment Voroshilov", "Mikhail Pervukhin", "Maxim Saburov"]
FOR = ["Nikita Khrushchev", "Anastas Mikoyan", "Mikhail Suslov", "Alexei Kirichenko"]
FONTS = Path("templates/fonts")
SCALE = 2  # drawn at twice the size, then reduced: smooth edges
WIDTH, ROW, TOP, BOX = 900, 38, 64, 330
REMOVE, KEEP, INK = (196, 120, 60), (38, 84, 124), (30, 30, 30)


def main() -> None:
    height = TOP + ROW * len(AGAINST) + 24
    image = Image.new("RGB", (WIDTH * SCALE, height * SCALE), "white")
    draw = ImageDraw.Draw(image)
    regular = ImageFont.truetype(str(FONTS / "LinBiolinum_R.otf"), 17 * SCALE)
    bold = ImageFont.truetype(str(FONTS / "LinBiolinum_RB.otf"), 19 * SCALE)
    s = lambda *xs: [x * SCALE for x in xs]  # noqa: E731
    for left, title, names, colour in ((40, f"To remove Khrushchev: {len(AGAINST)}", AGAINST, REMOVE),
                                       (WIDTH - 40 - BOX, f"To keep him: {len(FOR)}", FOR, KEEP)):
        draw.text(s(left, 18), title, font=bold, fill=colour)
        for index, name in enumerate(names):
            y = TOP + index * ROW
            draw.rounded_rectangle(s(left, y, left + BOX, y + ROW - 8), radius=6 * SCALE, fill=colour)
            draw.text(s(left + 14, y + 6), name, font=regular, fill="white")
    image = image.resize((WIDTH, height), Image.LANCZOS).quantize(16)
    out = Path("assets/presidium-vote-1957.png")
    out.parent.mkdir(exist_ok=True)
    image.save(out, optimize=True)
    print(f"wrote {out} ({out.stat().st_size} bytes)")


if __name__ == "__main__":
    main()
