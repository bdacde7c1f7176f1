#!/usr/bin/env python3
"""Builds shannon's documentation site: the guide pages of docs/ (Markdown) with their placeholders filled
from values computed by the library at build time, the plots, and the API reference beside them.

Usage: build_site.py --src DOCS_DIR --values VALUES.json --plots PLOTS_DIR --api API_DIR --out SITE_DIR
                     [--outputs OUT.txt ...] [--examples PATH ...] [--version V]

Placeholders in a page:
  {{key}}            the value `key` of VALUES.json at 30 significant digits (its "digits")
  {{key.double}}     the same quantity computed in double (17 digits), {{key.label}} its label
  {{key.text}}       a value that is Markdown (a generated table), inserted as it is
  {{include:PATH}}   the text of PATH (relative to the repository root), e.g. a tested code example
  {{output:NAME}}    what the example NAME printed when the site was built (docs/run_example.py)
A placeholder that names no value or file is an error: no page carries a number typed by hand.

Code blocks: every fenced block of a page holds exactly one {{include:PATH}} of an example that the test suite
runs (PATH among --examples) or one {{output:NAME}}, and every example is shown on some page — a snippet typed
into a page, which no test compiles or runs, is an error.
"""

import argparse
import html
import json
import re
import shutil
import struct
import sys
from pathlib import Path

import markdown

PAGES = [  # (source, title) in the order of the navigation
    ("index.md", "Overview"),
    ("walkthrough.md", "The mathematics, worked"),
    ("conventions.md", "Conventions"),
    ("accuracy.md", "Accuracy"),
    ("oracle.md", "The oracle"),
    ("profiles.md", "Frameworks"),
    ("proofs.md", "Proofs"),
    ("information.md", "Beyond the founding quantities"),
]

TEMPLATE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title} — shannon {version}</title>
<link rel="stylesheet" href="style.css">
<link rel="icon" href="favicon.ico">
</head>
<body>
<nav>
<span class="brand">shannon {version}</span>
{nav}
<a href="api/index.html">API reference</a>
</nav>
<main>
{body}
</main>
<footer>Every number on this page was computed by shannon when the page was built.</footer>
</body>
</html>
"""

STYLE = """body { font-family: system-ui, sans-serif; margin: 0; color: #1d1d1f; line-height: 1.5; }
nav { background: #1f3a5f; padding: 0.6em 1em; }
nav a, nav .brand { color: #fff; margin-right: 1.2em; text-decoration: none; }
nav .brand { font-weight: bold; }
nav a.current { text-decoration: underline; }
main { max-width: 58em; margin: 1.5em auto; padding: 0 1em; }
table { border-collapse: collapse; margin: 1em 0; }
td, th { border: 1px solid #ccc; padding: 0.25em 0.6em; vertical-align: top; }
th { background: #eef2f7; }
code, pre { font-family: ui-monospace, monospace; font-size: 0.92em; }
pre { background: #f5f5f7; padding: 0.8em; overflow-x: auto; }
td code { overflow-wrap: break-word; }
img { max-width: 100%; }
footer { text-align: center; color: #666; font-size: 0.85em; margin: 2em 0; }
"""

def favicon():
    """A 16 x 16 icon (ICO with one 32-bit bitmap): a dark blue square, the navigation bar's colour."""
    w = h = 16
    pixels = bytes([0x5f, 0x3a, 0x1f, 0xff]) * (w * h)  # BGRA
    mask = bytes(4 * h)  # 1 bit per pixel, rows padded to 32 bits: all opaque
    header = struct.pack("<IiiHHIIiiII", 40, w, 2 * h, 1, 32, 0, len(pixels) + len(mask), 0, 0, 0, 0)
    image = header + pixels + mask
    return struct.pack("<HHH", 0, 1, 1) + struct.pack("<BBBBHHII", w, h, 0, 0, 1, 32, len(image), 22) + image


PLACEHOLDER = re.compile(r"\{\{\s*([^{}\s]+)\s*\}\}")
FENCE = re.compile(r"^```[^\n]*\n(.*?)^```[ \t]*$", re.S | re.M)


def check_code_blocks(text, page, examples):
    """The fenced blocks of a page: each must be one included, tested example or one example's output.
    Returns the examples the page includes."""
    shown = set()
    for m in FENCE.finditer(text):
        body = m.group(1).strip()
        p = PLACEHOLDER.fullmatch(body)
        key = p.group(1) if p else ""
        if key.startswith("include:") and key[len("include:"):] in examples:
            shown.add(key[len("include:"):])
        elif not key.startswith("output:"):
            line = text.count("\n", 0, m.start()) + 1
            sys.exit(f"build_site: {page}:{line}: a code block must be {{{{include:PATH}}}} of a tested example "
                     f"(one of {', '.join(sorted(examples))}) or {{{{output:NAME}}}}, not typed text")
    return shown


def fill(text, values, root, page, outputs):
    def one(m):
        key = m.group(1)
        if key.startswith("output:"):
            name = key[len("output:"):]
            if name not in outputs:
                sys.exit(f"build_site: {page}: {{{{{key}}}}} names no example output")
            return outputs[name].read_text().rstrip("\n")
        if key.startswith("include:"):
            path = root / key[len("include:"):]
            if not path.is_file():
                sys.exit(f"build_site: {page}: {{{{{key}}}}} names no file")
            return path.read_text().rstrip("\n")
        name, _, field = key.partition(".")
        if name not in values:
            sys.exit(f"build_site: {page}: {{{{{key}}}}} names no computed value")
        entry = values[name]
        field = field or "digits"
        if field not in entry:
            sys.exit(f"build_site: {page}: {{{{{key}}}}}: the value has no field '{field}'")
        value = str(entry[field])
        line_start = text.rfind("\n", 0, m.start()) + 1
        if field != "text" and text.count("`", line_start, m.start()) % 2 == 0:
            value = value.replace("|", "&#124;")  # outside a code span a '|' would split a table cell
        return value

    return PLACEHOLDER.sub(one, text)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--src", required=True)
    ap.add_argument("--values", required=True, nargs="+")
    ap.add_argument("--plots", required=True)
    ap.add_argument("--api", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--outputs", nargs="*", default=[])
    ap.add_argument("--examples", nargs="*", default=[], help="the tested examples, relative to the repository root")
    ap.add_argument("--version", default="")
    a = ap.parse_args()
    src, out = Path(a.src), Path(a.out)
    root = src.parent
    values = {}
    for path in a.values:
        values.update(json.loads(Path(path).read_text()))
    outputs = {Path(o).stem: Path(o) for o in a.outputs}
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    (out / "style.css").write_text(STYLE)
    (out / "favicon.ico").write_bytes(favicon())
    shutil.copytree(a.plots, out / "plots")
    shutil.copytree(a.api, out / "api")
    examples = set(a.examples)
    shown = set()
    for name, title in PAGES:
        raw = (src / name).read_text()
        shown |= check_code_blocks(raw, name, examples)
        text = fill(raw, values, root, name, outputs)
        body = markdown.markdown(text, extensions=["tables", "fenced_code", "toc", "attr_list"], output_format="html5")
        target = name.replace(".md", ".html")
        nav = "\n".join(f'<a href="{n.replace(".md", ".html")}"{" class=current" if n == name else ""}>'
                        f"{html.escape(t)}</a>" for n, t in PAGES)
        (out / target).write_text(TEMPLATE.format(title=html.escape(title), version=a.version, nav=nav, body=body))
    if examples - shown:
        sys.exit(f"build_site: examples shown on no page: {', '.join(sorted(examples - shown))}")
    print(f"build_site: {len(PAGES)} pages, {len(shown)} examples, {len(list((out / 'plots').iterdir()))} plots -> {out}")


if __name__ == "__main__":
    main()
