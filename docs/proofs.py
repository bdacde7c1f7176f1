#!/usr/bin/env python3
"""The proofs page's table: for each translation unit of proofs/, what it proves (its header comment) and how
many static_asserts it holds (counted, not typed). Writes JSON {"proofs_table": {"text": ...}, "proofs_total": ...}.

Usage: proofs.py OUT.json PROOF.cpp ...       (the sources the build compiles: proof_sources in proofs/meson.build)
"""

import json
import re
import sys
from pathlib import Path


def header(path):
    """The file's leading comment, without the '// proofs/x.cpp — ' prefix, as one paragraph per blank line."""
    lines = []
    for line in path.read_text().splitlines():
        if not line.startswith("//"):
            break
        lines.append(line[2:].strip())
    text = " ".join(lines)
    text = re.sub(r"^proofs/\S+\s+—\s+", "", text)
    return text.replace("|", "&#124;")


def main():
    out = Path(sys.argv[1])
    rows = ["| file | what it proves | static_asserts |", "|---|---|---|"]
    total = 0
    for f in sorted(Path(p) for p in sys.argv[2:]):
        n = len(re.findall(r"\bstatic_assert\s*\(", f.read_text()))
        total += n
        rows.append(f"| `proofs/{f.name}` | {header(f)} | {n} |")
    out.write_text(json.dumps({"proofs_table": {"text": "\n".join(rows)},
                               "proofs_total": {"text": str(total)},
                               "proofs_files": {"text": str(len(rows) - 2)}}, indent=1))


if __name__ == "__main__":
    main()
