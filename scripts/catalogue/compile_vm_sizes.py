#!/usr/bin/env python3
"""Compile ahb-core/src/catalogue/vm_sizes.csv from the VM size tables of Microsoft's
public documentation repository (MicrosoftDocs/azure-compute-docs, content CC BY 4.0).

Only facts are extracted (size name, vCPUs, active vCPUs of constrained sizes); no prose is
copied. Python 3.11 standard library only.

    python3 scripts/catalogue/compile_vm_sizes.py SOURCE [SOURCE ...] \
        [--keep ahb-core/src/catalogue/vm_sizes.csv] \
        [--out ahb-core/src/catalogue/vm_sizes.csv] \
        [--check ahb-core/tests/data/vm_vcpu_test_vectors.csv]

SOURCE (one or more) is either a git directory of the docs repository (bare or not; HEAD is read with
`git ls-tree` / `git show`) or a checked-out folder laid out like the repository
(articles/virtual-machines/...). A folder may carry a MANIFEST.tsv (path, commit, repository)
naming the version of each file it holds.

Tables read:
  * size tables: a markdown table whose header has a size column ("Size Name", "Size", "Name")
    and a vCPU column ("vCPUs (Qty.)", "vCPU", "vCPUs"); one row per size;
  * constrained-vCPU tables: header with "Size name", "Active vCPUs" and "Base size"; the
    size's vCPUs are those of its base size (found in the size tables), active_vcpus the
    active count.

When two pages give different vCPUs for one size, the conflict is reported and the series page
(a page under articles/virtual-machines/sizes/ named *-series*) wins over other pages.
With --keep, rows of the existing CSV that no page of SOURCE lists are kept (and reported);
rows that a page lists take the page's value and source (differences are reported).
--check verifies every Learn-sourced row of the test vectors and the sizes named in issue 12.
"""

from __future__ import annotations

import argparse
import csv
import io
import os
import re
import subprocess
import sys
from dataclasses import dataclass, field

HEADER = ["size", "vcpus", "active_vcpus", "source"]
LEARN = "https://learn.microsoft.com/azure/"
# Sizes the issue names as missing; --check requires them.
REQUIRED = [
    "Standard_E64-16ds_v4",
    "Standard_M32ts",
    "Standard_NC24ads_A100_v4",
    "Standard_L8s_v3",
]

SIZE_COL = re.compile(r"^(size|size name|name|vm size|size \(sku\)|size\W+size\\name)$")
VCPU_COL = re.compile(
    # "Cores (Qty.)" heads the column on the DCsv2, DCsv3 and DCdsv3 pages (one vCPU per core)
    r"^vcpus?( \(qty\.?\))?$|^vcpu cores?$|^vcpus? \(cores?\)$|^cores( \(qty\.?\))?$"
)
ACTIVE_COL = re.compile(r"^active vcpus?$|^constrained vcpus?$")
BASE_COL = re.compile(r"^base size$|^base vm size$")
SIZE_NAME = re.compile(r"^(Standard|Basic)_[A-Za-z0-9][A-Za-z0-9_\-]*$")
BARE_NAME = re.compile(r"^[A-Z][A-Za-z0-9]*[0-9][A-Za-z0-9_\-]*$")
# Constrained-vCPU naming: Standard_<family><vCPUs>-<active vCPUs><rest>
CONSTRAINED_NAME = re.compile(r"^(Standard_[A-Za-z]+)([0-9]+)-([0-9]+)([A-Za-z_].*)$")


@dataclass
class Fact:
    size: str
    vcpus: int | None
    active: int | None
    source: str
    path: str
    priority: int  # lower wins
    base: str | None = None


@dataclass
class Report:
    conflicts: list[str] = field(default_factory=list)
    corrections: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)
    unresolved: list[str] = field(default_factory=list)
    skipped_cells: list[str] = field(default_factory=list)


# ---------------------------------------------------------------- reading the source


def is_git_dir(path: str) -> bool:
    return os.path.isfile(os.path.join(path, "HEAD")) and os.path.isdir(
        os.path.join(path, "objects")
    )


def wanted(path: str) -> bool:
    """Pages that hold VM size tables: the size pages, the constrained-vCPU page and the
    older per-series pages at the top of articles/virtual-machines/."""
    if not path.endswith(".md") or "/includes/" in path:
        return False
    if path.startswith("articles/virtual-machines/sizes/"):
        return True
    if path.count("/") != 2 or not path.startswith("articles/virtual-machines/"):
        return False
    base = path.rsplit("/", 1)[1]
    return "series" in base or base.startswith(("sizes", "constrained-vcpu"))


def read_source(src: str) -> tuple[dict[str, str], dict[str, str], str]:
    """Returns (path -> text, path -> 'repo@commit', description)."""
    files: dict[str, str] = {}
    versions: dict[str, str] = {}
    if is_git_dir(src) or os.path.isdir(os.path.join(src, ".git")):
        git = ["git", "--git-dir", src] if is_git_dir(src) else ["git", "-C", src]
        commit = subprocess.run(
            git + ["rev-parse", "HEAD"], check=True, capture_output=True, text=True
        ).stdout.strip()
        names = subprocess.run(
            git + ["ls-tree", "-r", "--name-only", "HEAD", "--", "articles/virtual-machines"],
            check=True,
            capture_output=True,
            text=True,
        ).stdout.split("\n")
        for p in filter(wanted, names):
            blob = subprocess.run(
                git + ["show", f"HEAD:{p}"], check=True, capture_output=True
            ).stdout
            files[p] = blob.decode("utf-8", "replace")
            versions[p] = commit
        return files, versions, f"git HEAD {commit}"
    manifest = os.path.join(src, "MANIFEST.tsv")
    if os.path.isfile(manifest):
        with open(manifest, encoding="utf-8") as f:
            for line in f:
                parts = line.rstrip("\n").split("\t")
                if len(parts) >= 2:
                    repo = parts[2] if len(parts) > 2 else "MicrosoftDocs/azure-compute-docs"
                    versions[parts[0]] = f"{repo}@{parts[1]}"
    for root, _dirs, names in os.walk(src):
        for n in names:
            full = os.path.join(root, n)
            rel = os.path.relpath(full, src).replace(os.sep, "/")
            if wanted(rel):
                with open(full, encoding="utf-8", errors="replace") as f:
                    files[rel] = f.read()
    return files, versions, f"folder {src}"


# ---------------------------------------------------------------- parsing markdown tables


def learn_url(path: str) -> str:
    return LEARN + path[len("articles/") : -len(".md")]


def clean(cell: str) -> str:
    cell = cell.replace("&nbsp;", " ")
    cell = re.sub(r"<sup>.*?</sup>", "", cell, flags=re.I)
    cell = re.sub(r"<br\s*/?>", " ", cell, flags=re.I)
    cell = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", cell)  # links -> text
    cell = cell.replace("**", "").replace("`", "").replace("\\_", "_")
    return " ".join(cell.split())


def split_row(line: str) -> list[str]:
    line = line.strip()
    if line.startswith("|"):
        line = line[1:]
    if line.endswith("|"):
        line = line[:-1]
    return [clean(c) for c in line.split("|")]


def tables(text: str):
    """Yields (header cells, [row cells]) for each pipe table."""
    lines = text.splitlines()
    i = 0
    while i < len(lines) - 1:
        head, sep = lines[i].strip(), lines[i + 1].strip()
        if "|" in head and re.fullmatch(r"\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?", sep):
            header = [h.lower() for h in split_row(head)]
            rows = []
            j = i + 2
            while j < len(lines) and "|" in lines[j] and lines[j].strip():
                rows.append(split_row(lines[j]))
                j += 1
            yield header, rows
            i = j
        else:
            i += 1


# Typos in the pages, corrected where the same page shows the right name elsewhere.
ERRATA = {
    # bv1-series: the size tables say "Standard_B1ls2"; the page's CPU-burst table and its
    # note ("B1ls is supported only on Linux") name the size Standard_B1ls
    "Standard_B1ls2": "Standard_B1ls",
}
# A footnote mark fused to the version ("Standard_D2a_v41", "Standard_E104id_v52",
# "Standard_L80s_v26"): no ARM size has a two-digit version, so the last digit is dropped.
FUSED_FOOTNOTE = re.compile(r"^(.*_v[1-9])[0-9]$")
FIXED: list[str] = []


def size_name(cell: str) -> str | None:
    # "A0\\Basic_A0" (classic name \\ ARM name) -> the ARM name
    token = cell.split(" ")[0].rstrip("*").split("\\")[-1]
    if token.lower().startswith("standard_"):
        token = "Standard_" + token[len("standard_") :]
    elif token.lower().startswith("basic_"):
        token = "Basic_" + token[len("basic_") :]
    elif BARE_NAME.match(token):
        token = "Standard_" + token
    fixed = ERRATA.get(token, token)
    m = FUSED_FOOTNOTE.match(fixed)
    if m:
        fixed = m.group(1)
    if fixed != token:
        FIXED.append(f"{token} -> {fixed}")
    return fixed if SIZE_NAME.match(fixed) else None


def number(cell: str) -> int | None:
    m = re.fullmatch(r"([0-9][0-9,]*)", cell.replace(" ", ""))
    return int(m.group(1).replace(",", "")) if m else None


def col(header: list[str], pattern: re.Pattern) -> int | None:
    for k, h in enumerate(header):
        if pattern.match(h):
            return k
    return None


def parse_page(path: str, text: str, report: Report) -> list[Fact]:
    out: list[Fact] = []
    url = learn_url(path)
    series = path.startswith("articles/virtual-machines/sizes/") and "-series" in path
    for header, rows in tables(text):
        s = col(header, SIZE_COL)
        if s is None:
            continue
        a, b, v = col(header, ACTIVE_COL), col(header, BASE_COL), col(header, VCPU_COL)
        for r in rows:
            if len(r) <= s:
                continue
            name = size_name(r[s])
            if name is None:
                continue
            if a is not None and b is not None and len(r) > max(a, b):
                active, base = number(r[a]), size_name(r[b])
                if active is None or base is None:
                    report.skipped_cells.append(f"{path}: {r}")
                    continue
                out.append(Fact(name, None, active, url, path, 2, base))
            elif v is not None and len(r) > v:
                n = number(r[v])
                if n is None:
                    report.skipped_cells.append(f"{path}: {r}")
                    continue
                out.append(Fact(name, n, None, url, path, 0 if series else 1))
    return out


# ---------------------------------------------------------------- compiling


def key(name: str) -> str:
    return name.lower()


def compile_rows(files: dict[str, str], keep: str | None, report: Report) -> dict[str, dict]:
    facts: list[Fact] = []
    for path in sorted(files):
        facts.extend(parse_page(path, files[path], report))

    # 1. plain sizes: best priority wins; disagreements are reported.
    sizes: dict[str, Fact] = {}
    for f in (f for f in facts if f.vcpus is not None):
        k = key(f.size)
        old = sizes.get(k)
        if old is None:
            sizes[k] = f
            continue
        if old.vcpus != f.vcpus:
            win, lose = (old, f) if old.priority <= f.priority else (f, old)
            report.conflicts.append(
                f"{f.size}: {win.vcpus} vCPUs ({win.path}) vs {lose.vcpus} ({lose.path});"
                f" kept {win.path}"
            )
            sizes[k] = win
        elif f.priority < old.priority:
            sizes[k] = f

    rows: dict[str, dict] = {
        k: {"size": f.size, "vcpus": f.vcpus, "active_vcpus": None, "source": f.source}
        for k, f in sizes.items()
    }

    existing: dict[str, dict] = {}
    if keep:
        with open(keep, encoding="utf-8") as fh:
            for r in csv.DictReader(fh):
                existing[key(r["size"])] = {
                    "size": r["size"],
                    "vcpus": int(r["vcpus"]),
                    "active_vcpus": int(r["active_vcpus"]) if r["active_vcpus"] else None,
                    "source": r["source"],
                }

    # 2. constrained sizes named in size tables (Standard_<F><n>-<m><rest>, the naming
    #    convention of constrained sizes): some series pages list them with their active vCPUs
    #    in the vCPU column. The base size Standard_<F><n><rest> gives the vCPUs.
    for k, r in rows.items():
        m = CONSTRAINED_NAME.match(r["size"])
        if not m:
            continue
        base = rows.get(key(m.group(1) + m.group(2) + m.group(4)))
        if base is None:
            report.unresolved.append(
                f"{r['size']}: constrained by its name but no base size listed; kept"
                f" {r['vcpus']} vCPUs from {r['source']}"
            )
            continue
        named_active = int(m.group(3))
        if r["vcpus"] not in (named_active, base["vcpus"]) or named_active >= base["vcpus"]:
            report.conflicts.append(
                f"{r['size']}: {r['vcpus']} vCPUs in {r['source']}, name says {named_active}"
                f" active of {base['vcpus']} ({base['size']}); kept the table"
            )
            continue
        r["vcpus"], r["active_vcpus"] = base["vcpus"], named_active

    # 3. constrained-vCPU tables: vCPUs of the base size, active vCPUs from the table.
    for f in (f for f in facts if f.base is not None):
        k = key(f.size)
        base = rows.get(key(f.base)) or existing.get(key(f.base))
        if base is None:
            report.unresolved.append(f"{f.size}: base size {f.base} not found in any size table")
            continue
        total = base["vcpus"]
        if f.active > total:
            report.conflicts.append(f"{f.size}: {f.active} active > {total} vCPUs of {f.base}")
            continue
        new = (total, None if f.active == total else f.active)
        if k in rows:
            # also listed by a size table (or the base size itself): must agree
            if (rows[k]["vcpus"], rows[k]["active_vcpus"]) != new:
                report.conflicts.append(
                    f"{f.size}: {f.path} says {new[0]}/{new[1]} (vCPUs/active),"
                    f" {rows[k]['source']} {rows[k]['vcpus']}/{rows[k]['active_vcpus']};"
                    f" kept the series page"
                )
            continue
        rows[k] = {"size": f.size, "vcpus": new[0], "active_vcpus": new[1], "source": f.source}

    # 4. the existing catalogue: keep what the pages do not list, report differences.
    for k, old in existing.items():
        new = rows.get(k)
        if new is None:
            rows[k] = old
            report.kept.append(f"{old['size']} ({old['source']})")
        elif (new["vcpus"], new["active_vcpus"]) != (old["vcpus"], old["active_vcpus"]):
            report.corrections.append(
                f"{old['size']}: was {old['vcpus']}/{old['active_vcpus']} ({old['source']}),"
                f" now {new['vcpus']}/{new['active_vcpus']} ({new['source']})"
            )
    return rows


def natural(name: str):
    return [int(t) if t.isdigit() else t.lower() for t in re.split(r"(\d+)", name)]


def family(name: str) -> str:
    m = re.match(r"(?:Standard|Basic)_([A-Za-z]+?)(?=\d)", name)
    return m.group(1).upper() if m else "?"


def write_csv(rows: dict[str, dict], out) -> None:
    w = csv.writer(out, lineterminator="\n")
    w.writerow(HEADER)
    for r in sorted(rows.values(), key=lambda r: (r["source"], natural(r["size"]))):
        active = "" if r["active_vcpus"] is None else str(r["active_vcpus"])
        w.writerow([r["size"], r["vcpus"], active, r["source"]])


def check(rows: dict[str, dict], vectors: str) -> list[str]:
    errors = []
    with open(vectors, encoding="utf-8") as fh:
        for v in csv.DictReader(fh):
            if not v["source"].startswith("https://learn.microsoft.com/"):
                # e.g. a VM whose vmSizeProperties customise vCPUs: a per-VM fact, not a
                # catalogue fact, so the catalogue cannot be checked against it.
                print(f"check: skipped {v['vm_size']} (source {v['source'][:60]}...)")
                continue
            r = rows.get(key(v["vm_size"]))
            if r is None:
                errors.append(f"{v['vm_size']}: missing")
                continue
            active = r["active_vcpus"] if r["active_vcpus"] is not None else r["vcpus"]
            if r["vcpus"] != int(v["base_size_vcpus"]) or active != int(v["active_vcpus"]):
                errors.append(
                    f"{v['vm_size']}: catalogue {r['vcpus']}/{active},"
                    f" vectors {v['base_size_vcpus']}/{v['active_vcpus']}"
                )
    for name in REQUIRED:
        if key(name) not in rows:
            errors.append(f"{name}: named in issue 12 but missing")
    return errors


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument(
        "source",
        nargs="+",
        help="docs git dir or folder; with several, a page path found in an earlier source wins",
    )
    ap.add_argument("--out", help="CSV to write (default: stdout)")
    ap.add_argument("--keep", help="existing CSV whose rows the pages do not list are kept")
    ap.add_argument("--check", metavar="VECTORS", help="test vectors CSV to verify against")
    a = ap.parse_args(argv)

    files: dict[str, str] = {}
    versions: dict[str, str] = {}
    descs = []
    for src in a.source:
        f_src, v_src, d_src = read_source(src)
        for p, text in f_src.items():
            if p not in files:
                files[p] = text
                if p in v_src:
                    versions[p] = v_src[p]
        descs.append(d_src)
    desc = " + ".join(descs)
    if not files:
        print(f"no size pages found in {a.source}", file=sys.stderr)
        return 2
    report = Report()
    rows = compile_rows(files, a.keep, report)

    buf = io.StringIO()
    write_csv(rows, buf)
    if a.out:
        with open(a.out, "w", encoding="utf-8", newline="") as f:
            f.write(buf.getvalue())
    else:
        sys.stdout.write(buf.getvalue())

    err = sys.stderr
    print(f"source: {desc}; {len(files)} pages read", file=err)
    commits = sorted(set(versions.values()))
    if len(commits) > 1:
        print(f"  pages come from {len(commits)} different commits (see MANIFEST.tsv)", file=err)
    print(f"sizes: {len(rows)}", file=err)
    fams: dict[str, int] = {}
    for r in rows.values():
        fams[family(r["size"])] = fams.get(family(r["size"]), 0) + 1
    print("by family: " + ", ".join(f"{k} {n}" for k, n in sorted(fams.items())), file=err)
    print(
        f"constrained (active_vcpus set): {sum(r['active_vcpus'] is not None for r in rows.values())}",
        file=err,
    )
    for title, items in [
        ("conflicts between pages", report.conflicts),
        ("existing rows corrected from the pages", report.corrections),
        ("existing rows kept (not listed by the pages read)", report.kept),
        ("constrained sizes whose base size was not found", report.unresolved),
        ("table rows skipped (no number)", report.skipped_cells),
        ("size names corrected (typos in the pages)", sorted(set(FIXED))),
    ]:
        print(f"{title}: {len(items)}", file=err)
        for it in items:
            print(f"  {it}", file=err)

    if a.check:
        errors = check(rows, a.check)
        for e in errors:
            print(f"check: {e}", file=err)
        print(f"check: {'FAILED' if errors else 'ok'}", file=err)
        if errors:
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
