#!/usr/bin/env python3
"""Derive data/holidays/<year>.csv (Indonesian national holidays and cuti bersama).

Installs the pinned package holidays==0.109 (MIT) and its dependencies from PyPI
into a temporary directory with pip (hash-checked), then for each year writes
data/holidays/<year>.csv with the header

    date,kind,name

date is ISO YYYY-MM-DD; kind is "public" (libur nasional, category PUBLIC) or
"cuti_bersama" (category GOVERNMENT); name is the package's Indonesian name
(language "id"). One row per date, sorted by date; names of holidays sharing a
date are joined with " / " (a date in both categories is "public").

Run from anywhere (needs network access to PyPI and pip; standard library only):

    python3 data/scripts/derive_holidays.py              # 2025 2026 2027
    python3 data/scripts/derive_holidays.py 2028         # other years

The output is deterministic: re-running produces byte-identical files.
"""

import csv
import subprocess
import sys
import tempfile
from pathlib import Path

# Pinned source and its runtime dependencies (wheels, sha256 from PyPI).
REQUIREMENTS = """\
holidays==0.109 --hash=sha256:7d39c910167116d41fa6aae18d5e72b4541700cdd37743d799c83db3419201b0
python-dateutil==2.9.0.post0 --hash=sha256:a8b2bc7bffae282281c8140a97d3aa9c14da0b136dfe83f850eea9a5f7470427
six==1.17.0 --hash=sha256:4721f391ed90541fddacab5acf947aa0d3dc7d27b2e1e8eda2be8970586c3274
"""
HOLIDAYS_VERSION = "0.109"

DEFAULT_YEARS = (2025, 2026, 2027)

# (public, cuti_bersama) per SKB 3 Menteri; a mismatch is reported, not fatal,
# so that a new package version can be reviewed.
EXPECTED_COUNTS = {
    2025: (17, 11),  # SKB 2024 + 18 Aug 2025 added as cuti bersama
    2026: (17, 8),   # SKB 1497/2/5 Tahun 2025
}

OUT_DIR = Path(__file__).resolve().parent.parent / "holidays"


def log(msg):
    print(msg, file=sys.stderr)


def install(target):
    req = Path(target) / "requirements.txt"
    req.write_text(REQUIREMENTS)
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
         "--root-user-action=ignore", "--no-deps", "--require-hashes", "--only-binary=:all:", "--no-compile",
         "--target", str(Path(target) / "site"), "-r", str(req)],
        check=True,
    )
    sys.path.insert(0, str(Path(target) / "site"))


def rows_for_year(holidays_mod, year):
    by_date = {}
    for kind, category in (("public", holidays_mod.PUBLIC), ("cuti_bersama", holidays_mod.GOVERNMENT)):
        cal = holidays_mod.country_holidays("ID", years=year, categories=(category,), language="id")
        for day in sorted(cal):
            for name in cal.get_list(day):
                entry = by_date.setdefault(day, {"kinds": set(), "names": []})
                entry["kinds"].add(kind)
                if name not in entry["names"]:
                    entry["names"].append(name)
    rows = []
    for day in sorted(by_date):
        entry = by_date[day]
        kind = "public" if "public" in entry["kinds"] else "cuti_bersama"
        rows.append((day.isoformat(), kind, " / ".join(entry["names"])))
    return rows


def main():
    years = [int(a) for a in sys.argv[1:]] or list(DEFAULT_YEARS)
    with tempfile.TemporaryDirectory() as tmp:
        install(tmp)
        import holidays

        if holidays.__version__ != HOLIDAYS_VERSION:
            sys.exit(f"expected holidays {HOLIDAYS_VERSION}, imported {holidays.__version__}")
        OUT_DIR.mkdir(parents=True, exist_ok=True)
        for year in years:
            rows = rows_for_year(holidays, year)
            path = OUT_DIR / f"{year}.csv"
            with open(path, "w", encoding="utf-8", newline="") as f:
                w = csv.writer(f, lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
                w.writerow(["date", "kind", "name"])
                w.writerows(rows)
            counts = (sum(r[1] == "public" for r in rows), sum(r[1] == "cuti_bersama" for r in rows))
            log(f"wrote {path}: {counts[0]} public, {counts[1]} cuti_bersama")
            if year in EXPECTED_COUNTS and counts != EXPECTED_COUNTS[year]:
                log(f"WARNING {year}: expected {EXPECTED_COUNTS[year]} (public, cuti_bersama)")


if __name__ == "__main__":
    main()
