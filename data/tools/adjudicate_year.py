"""Adjudication: counts in a unit without any YEAR take the report year (the contract's fallback).

Usage: python data/tools/adjudicate_year.py gw_national_2016 gw_prov_2026_02 ...  (staging stems)
"""

import json
import sys
from pathlib import Path

changed = total = 0
for stem in sys.argv[1:]:
    year = 2026 if "prov_2026" in stem else int(stem.rsplit("_", 1)[1])
    path = Path(f"data/staging/{stem}.jsonl")
    units = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    for unit in units:
        if any(e["label"] == "YEAR" for e in unit["entities"]):
            continue
        for ent in unit["entities"]:
            if ent["label"] == "COUNT":
                total += 1
                if ent.get("year") != year:
                    ent["year"] = year
                    changed += 1
    path.write_text("".join(json.dumps(u, ensure_ascii=False) + "\n" for u in units), encoding="utf-8")
print(changed, "of", total)
