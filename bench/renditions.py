"""Benchmark photo renditions against a 24-megapixel original.

    DJANGO_SETTINGS_MODULE=newsroom.settings .venv/bin/python bench/renditions.py

No database and no storage: it times the pure functions a first request runs
(decode of the original, at reduced scale when JPEG allows, then ``render``), and
``render`` alone from an already decoded original (what ``pregenerate`` does once
per upload). Times are the best of N runs, shown in milliseconds and as a ratio of
a baseline measured in the same run: Pillow's plain ``Image.open(original).save()``
as JPEG at full size (default quality 75), i.e. one decode plus one full re-encode.

The page weight is the bytes of the lead picture (16:9) a browser picks from the
article page's srcset and sizes, by the rule "smallest candidate at least as wide
as the slot times the device pixel ratio", for a 375 px phone at DPR 2 and a
1280 px desktop at DPR 1.
"""

import io
import os
import random
import re
import sys
import time
from collections.abc import Callable
from pathlib import Path

import django

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")
django.setup()

from PIL import Image, ImageDraw, ImageFilter  # noqa: E402

from photos.renditions import (  # noqa: E402
    WIDTHS,
    crop_box,
    open_for_rendition,
    output_size,
    public_copy,
    render,
)
from photos.templatetags.photos import COLUMN_SIZES  # noqa: E402

SIZE = (6000, 4000)
RUNS = 3
VIEWPORTS = [(375, 2), (1280, 1)]
ROOT_FONT_PX = 16


def make_original() -> bytes:
    """Build a 24 MP camera-like JPEG: smooth shapes, edges, grain; GPS in EXIF."""
    rng = random.Random(24)
    small = Image.new("RGB", (600, 400))
    draw = ImageDraw.Draw(small)
    for y in range(400):  # sky-to-ground gradient
        draw.line([(0, y), (600, y)], fill=(90 + y // 4, 130 + y // 8, 200 - y // 3))
    for _ in range(60):
        x, y, r = rng.randrange(600), rng.randrange(400), rng.randrange(5, 80)
        colour = tuple(rng.randrange(256) for _ in range(3))
        draw.ellipse([x - r, y - r, x + r, y + r], fill=colour)
    base = small.resize(SIZE, Image.Resampling.BICUBIC).filter(
        ImageFilter.GaussianBlur(3)
    )
    detail = Image.new("RGB", SIZE)
    draw = ImageDraw.Draw(detail)
    for _ in range(4000):  # fine, sharp structure: branches, text, fabric
        x, y = rng.randrange(SIZE[0]), rng.randrange(SIZE[1])
        draw.line(
            [(x, y), (x + rng.randrange(-60, 60), y + rng.randrange(-60, 60))],
            fill=tuple(rng.randrange(256) for _ in range(3)),
            width=rng.randrange(1, 4),
        )
    picture = Image.blend(base, detail, 0.2)
    # Texture at every scale (foliage, skin, fabric), so that it survives resizing.
    for cells, weight in ((150, 0.12), (750, 0.1), (3000, 0.08), (SIZE[0], 0.06)):
        field_size = (cells, cells * SIZE[1] // SIZE[0])
        noise = Image.frombytes(
            "L", field_size, rng.randbytes(field_size[0] * field_size[1])
        )
        noise = noise.resize(SIZE, Image.Resampling.BICUBIC)
        picture = Image.blend(picture, Image.merge("RGB", [noise] * 3), weight)
    exif = Image.Exif()
    exif[0x8825] = {1: "N", 2: (48.0, 51.0, 24.0), 3: "E", 4: (2.0, 21.0, 3.0)}
    exif[0x010F] = "Camera maker"
    buffer = io.BytesIO()
    picture.save(buffer, "JPEG", quality=92, exif=exif)
    return buffer.getvalue()


def say(*lines: str) -> None:
    sys.stdout.write("\n".join(lines) + "\n")
    sys.stdout.flush()


def best_of(runs: int, work: Callable[[], object]) -> tuple[float, object]:
    best, result = float("inf"), None
    for _ in range(runs):
        start = time.perf_counter()
        result = work()
        best = min(best, time.perf_counter() - start)
    return best, result


def slot_width(sizes: str, viewport: int) -> float:
    """Evaluate a sizes attribute made of (min-width: …) conditions, rem, px, vw."""

    def length(text: str) -> float:
        text = text.strip()
        calc = re.fullmatch(r"calc\((.+?)\s+-\s+(.+)\)", text)
        if calc:
            return length(calc.group(1)) - length(calc.group(2))
        number, unit = re.fullmatch(r"([\d.]+)(rem|px|vw)", text).groups()
        factor = {"rem": ROOT_FONT_PX, "px": 1, "vw": viewport / 100}[unit]
        return float(number) * factor

    for entry in sizes.split(","):
        condition = re.match(r"\s*\(min-width:\s*([^)]+)\)\s*(.+)", entry)
        if condition is None:
            return length(entry)
        if viewport >= length(condition.group(1)):
            return length(condition.group(2))
    return viewport


def pick(candidates: dict[int, int], needed: float) -> int:
    """Return the smallest candidate width that covers the need, else the widest."""
    wide_enough = [w for w in sorted(candidates) if w >= needed]
    return wide_enough[0] if wide_enough else max(candidates)


def kb(n: float) -> str:
    return f"{n / 1024:,.1f} KB"


def main() -> None:
    original = make_original()
    with Image.open(io.BytesIO(original)) as image:
        assert image.getexif().get_ifd(0x8825), "the original must carry GPS"

    def baseline_work() -> int:
        buffer = io.BytesIO()
        Image.open(io.BytesIO(original)).save(buffer, "JPEG")
        return buffer.tell()

    baseline, baseline_bytes = best_of(RUNS, baseline_work)
    decoded = public_copy(Image.open(io.BytesIO(original)))
    focal = (0.5, 0.5)

    say(f"Original: {SIZE[0]}×{SIZE[1]} JPEG q92, {kb(len(original))}")
    say(
        f"Baseline (Image.open().save() as JPEG, full size): {baseline * 1000:.0f} ms, "
        f"{kb(baseline_bytes)}; best of {RUNS}\n"
    )
    say(
        "| Rendition | Size | Bytes | % of original | First request | × baseline "
        "| From decoded | × baseline |"
    )
    say("|---|---|---:|---:|---:|---:|---:|---:|")
    lead: dict[str, dict[int, int]] = {"webp": {}, "jpg": {}}
    for width in WIDTHS:
        for fmt in ("webp", "jpg"):

            def first_request(width=width, fmt=fmt) -> bytes:
                source = open_for_rendition(io.BytesIO(original), "16x9", width)
                return render(source, ratio="16x9", width=width, fmt=fmt, focal=focal)

            def from_decoded(width=width, fmt=fmt) -> bytes:
                return render(decoded, ratio="16x9", width=width, fmt=fmt, focal=focal)

            cold, data = best_of(RUNS, first_request)
            warm, _ = best_of(RUNS, from_decoded)
            with Image.open(io.BytesIO(data)) as out:
                assert not out.getexif() and "exif" not in out.info
                size = out.size
            lead[fmt][width] = len(data)
            say(
                f"| 16x9-{width}.{fmt} | {size[0]}×{size[1]} | {kb(len(data))} "
                f"| {len(data) / len(original):.2%} | {cold * 1000:.0f} ms "
                f"| {cold / baseline:.2f} | {warm * 1000:.0f} ms "
                f"| {warm / baseline:.2f} |"
            )

    def pregenerate_all() -> int:
        source = public_copy(Image.open(io.BytesIO(original)))
        return sum(
            len(render(source, ratio=ratio, width=width, fmt=fmt, focal=focal))
            for ratio in ("16x9", "free")
            for width in WIDTHS
            for fmt in ("webp", "jpg")
        )

    total_time, total_bytes = best_of(1, pregenerate_all)
    say(
        f"\npregenerate (16x9 and free × {len(WIDTHS)} widths × 2 formats = "
        f"{len(WIDTHS) * 4} files): {total_time:.2f} s "
        f"({total_time / baseline:.1f} × baseline), {kb(total_bytes)} in all"
    )

    box = crop_box(*SIZE, (16, 9))
    say(f"\nArticle page lead picture (16:9 crop {box[2] - box[0]}×{box[3] - box[1]})")
    say(f'sizes="{COLUMN_SIZES}"; rule: smallest srcset width ≥ slot × DPR\n')
    say("| Viewport | Slot | Needs | Picks | WebP | JPEG | Original |")
    say("|---|---:|---:|---:|---:|---:|---:|")
    for viewport, dpr in VIEWPORTS:
        slot = slot_width(COLUMN_SIZES, viewport)
        chosen = pick(lead["webp"], slot * dpr)
        out_w, out_h = output_size(*SIZE, "16x9", chosen)
        say(
            f"| {viewport} px, DPR {dpr} | {slot:.0f} px | {slot * dpr:.0f} px "
            f"| {out_w}×{out_h} | {kb(lead['webp'][chosen])} "
            f"| {kb(lead['jpg'][chosen])} | {kb(len(original))} |"
        )


if __name__ == "__main__":
    main()
