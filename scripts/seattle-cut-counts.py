#!/usr/bin/env python3
"""Counts of each kind of bad row in a Seattle 911 CSV as scenarios/history/seattle-columns.toml
reads it on the 60 x 60 grid of tests/it/history.rs, computed apart from patrolsim (Python's csv
and datetime), for the expected figures of that test (see tests/data/PROVENANCE.md).

    python3 scripts/seattle-cut-counts.py tests/data/seattle-911-mva-cut.csv
"""
import csv, math, sys
from datetime import datetime, timedelta

R = 6_371_008.8
def counts(path):
    with open(path, newline="", encoding="utf-8") as f:
        rows = list(csv.reader(f))
    header, data = rows[0], rows[1:]
    col = {n: i for i, n in enumerate(header)}
    n, spacing = 60, 500.0
    half = (n - 1) * spacing / 2
    clat, clon = (47.4960 + 47.7579) / 2, (-122.4181 - 122.2346) / 2
    lat0 = clat + math.degrees(-half / R)
    lon0 = clon + math.degrees(-half / (R * math.cos(math.radians(clat))))
    bad = {}
    pending = []  # (index, line, utc, seq, noon_pm)
    types = []
    for i, r in enumerate(data):
        line = i + 2
        if len(r) != len(header):
            bad.setdefault("fields", []).append(line); continue
        t = r[col["Datetime"]].strip()
        try:
            dt = datetime.strptime(t, "%m/%d/%Y %I:%M:%S %p %z")
            noon = dt.hour == 12 and "PM" in t.upper()
        except ValueError:
            try:
                dt = datetime.strptime(t, "%Y-%m-%dT%H:%M:%S%z"); noon = False
            except ValueError:
                kind = "hour24" if "T24:" in t or " 24:" in t or t.startswith("24:") else "time"
                bad.setdefault(kind, []).append(line); continue
        try:
            lat, lon = float(r[col["Latitude"]]), float(r[col["Longitude"]])
            assert math.isfinite(lat) and math.isfinite(lon)
        except (ValueError, AssertionError):
            bad.setdefault("position", []).append(line); continue
        x = R * math.radians(lon - lon0) * math.cos(math.radians(lat0))
        y = R * math.radians(lat - lat0)
        gx = min(max(round(x / spacing), 0), n - 1); gy = min(max(round(y / spacing), 0), n - 1)
        if math.hypot(gx * spacing - x, gy * spacing - y) > 500.0:
            bad.setdefault("far", []).append(line); continue
        ty = r[col["Type"]].strip()
        if not ty:
            bad.setdefault("type", []).append(line); continue
        if ty not in types: types.append(ty)
        seq = r[col["Incident Number"]].strip()
        pending.append((len(pending), line, dt, seq or None, noon))
    order = sorted((p for p in pending if p[3] is not None), key=lambda p: (len(p[3]), p[3], p[0]))
    for a, this, b in zip(order, order[1:], order[2:]):
        if not this[4]: continue
        t, m = this[2], this[2] - timedelta(hours=12)
        if not (a[2] <= t <= b[2]) and a[2] <= m <= b[2]:
            bad.setdefault("midnight_pm", []).append(this[1])
    nbad = sum(len(v) for v in bad.values())
    return len(data), len(data) - nbad, {k: len(v) for k, v in bad.items()}, types, bad

if __name__ == "__main__":
    rows, calls, kinds, types, bad = counts(sys.argv[1])
    print(f"{rows} rows: {calls} calls, {rows - calls} bad rows", kinds, len(types), types)
    print("first bad line read:", min(min(v) for k, v in bad.items() if k != "midnight_pm"))
