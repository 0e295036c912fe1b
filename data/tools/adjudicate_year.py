# Usage: python data/tools/adjudicate_year.py gw_national_2016 gw_prov_2026_02 ...  (staging stems)
"""Adjudication: counts in a unit without any YEAR take the report year (the contract's fallback)."""

import json
import sys

changed = total = 0
for stem in sys.argv[1:]:
    year = 2026 if "prov_2026" in stem else int(stem.rsplit("_", 1)[1])
    p = f"data/staging/{stem}.jsonl"
    rows = [json.loads(l) for l in open(p, encoding="utf-8")]
    for r in rows:
        if any(e["label"] == "YEAR" for e in r["entities"]):
            continue
        for e in r["entities"]:
            if e["label"] == "COUNT":
                total += 1
                if e.get("year") != year:
                    e["year"] = year
                    changed += 1
    open(p, "w", encoding="utf-8").write("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows))
print(changed, "of", total)
