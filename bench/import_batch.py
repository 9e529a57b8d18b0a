"""Batch import: speed and peak memory of ``import_articles`` as the batch grows.

    .venv/bin/python bench/import_batch.py [--sizes 10 1000 10000]

For each size the script writes that many plain-text stories (about 2.5 KB each,
one in five with a captioned photo) into one folder of a temporary directory,
creates a fresh SQLite database there, and imports the folder in a child process
(``manage.py import_articles FOLDER --report``), then imports it again (every file
unchanged). Each child reports its own wall time and peak resident memory
(``ru_maxrss``), so one run's memory never hides in another's. The smallest size is
the baseline: Django, the app and the database driver loaded, a handful of files.
Memory that stays near the baseline at 1,000 and 10,000 files means the import
does not hold the batch.
"""

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SENTENCE = (
    "The council met on Tuesday to discuss the budget for the coming year, "
    "and members of the public filled the gallery. "
)


def write_stories(folder: Path, count: int) -> None:
    """Write ``count`` distinct stories; every fifth carries a captioned photo."""
    folder.mkdir(parents=True)
    for n in range(count):
        parts = [f"Story {n}: council sets budget", f"Lead of story {n}. " + SENTENCE]
        if n % 5 == 0:
            parts.append(f"Councillors vote on item {n} in the town hall.\nAFP")
        parts += [SENTENCE * 3 for _ in range(6)]
        (folder / f"{n:06d}.txt").write_text("\n\n".join(parts), encoding="utf-8")


def child(folder: str, report: str) -> None:
    """Import ``folder`` in this process; print seconds and peak memory as JSON."""
    import django
    from django.core.management import call_command

    django.setup()
    start = time.perf_counter()
    try:
        call_command("import_articles", folder, "--report", report, verbosity=0)
    except Exception as error:  # failures are counted from the report below
        sys.stderr.write(f"{error}\n")
    seconds = time.perf_counter() - start
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    sys.stdout.write(json.dumps({"seconds": seconds, "peak_kb": peak_kb}) + "\n")


def run_child(folder: Path, report: Path, env: dict) -> dict:
    output = subprocess.run(
        [sys.executable, __file__, "--child", str(folder), str(report)],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    result = json.loads(output.stdout.strip().splitlines()[-1])
    rows = json.loads(report.read_text(encoding="utf-8"))
    result["files"] = len(rows)
    result["outcomes"] = sorted({row["outcome"] for row in rows})
    return result


def measure(size: int) -> list[dict]:
    with tempfile.TemporaryDirectory() as tmp:
        tmp_path = Path(tmp)
        folder = tmp_path / "wire"
        write_stories(folder, size)
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "newsroom.settings",
            "DATABASE_URL": f"sqlite:///{tmp_path / 'bench.sqlite3'}",
            "DEBUG": "0",
            "SECRET_KEY": "benchmark-only",
            "PYTHONPATH": str(ROOT),
        }
        subprocess.run(
            [sys.executable, "manage.py", "migrate", "--noinput", "-v0"],
            env=env,
            cwd=ROOT,
            check=True,
        )
        first = run_child(folder, tmp_path / "first.json", env)
        again = run_child(folder, tmp_path / "again.json", env)
    return [{"run": "import", **first}, {"run": "re-import", **again}]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10, 1000, 10000])
    parser.add_argument("--child", nargs=2, metavar=("FOLDER", "REPORT"))
    args = parser.parse_args()
    if args.child:
        child(*args.child)
        return
    rows = []
    for size in args.sizes:
        for result in measure(size):
            rows.append({"size": size, **result})
    baseline = {
        row["run"]: row["peak_kb"] for row in rows if row["size"] == rows[0]["size"]
    }
    lines = [
        "| Files | Run | Outcomes | Seconds | Files/s | Peak RSS | Over baseline |",
        "|---:|---|---|---:|---:|---:|---:|",
    ]
    for row in rows:
        extra = (row["peak_kb"] - baseline[row["run"]]) / 1024
        lines.append(
            f"| {row['size']:,} | {row['run']} | {', '.join(row['outcomes'])} "
            f"| {row['seconds']:.1f} | {row['files'] / row['seconds']:.0f} "
            f"| {row['peak_kb'] / 1024:.1f} MB | {extra:+.1f} MB |"
        )
    sys.stdout.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
