#!/usr/bin/env python3
"""Checks the include structure of src/ (run by ./test.sh):
  1. no two folders include each other's headers (dependencies between folders point one way);
  2. the folders that must not see MPI (output/, config/, cli/) reach no MPI header, directly or through others.
Prints one line per violation and exits 1 if there is any."""
import pathlib
import re
import sys

SRC = pathlib.Path(__file__).resolve().parent.parent / "src"
NO_MPI = ("output", "config", "cli", "param", "workloads", "h5", "timing")
MPI_HEADER = re.compile(r"^(mpi\.h|boost/mpi)")
INCLUDE = re.compile(r'^\s*#\s*include\s*([<"])([^>"]+)[>"]', re.M)


def includes(path):
    """(project headers, system headers) a file includes directly."""
    project, system = [], []
    for kind, name in INCLUDE.findall(path.read_text()):
        (project if kind == '"' and (SRC / name).is_file() else system).append(name)
    return project, system


def main():
    files = sorted(p for p in SRC.rglob("*") if p.suffix in (".hpp", ".cpp") and p.parent != SRC)
    direct = {p.relative_to(SRC).as_posix(): includes(p) for p in files}
    problems = []

    edges = {}
    for name, (project, _) in direct.items():
        here = name.split("/")[0]
        for header in project:
            there = header.split("/")[0]
            if there != here:
                edges.setdefault((here, there), []).append(f"{name} -> {header}")
    for (a, b), why in sorted(edges.items()):
        if a < b and (b, a) in edges:
            problems.append(f"folders {a}/ and {b}/ include each other: {why[0]}; {edges[(b, a)][0]}")

    def reaches_mpi(name, seen):
        if name in seen or name not in direct:
            return None
        seen.add(name)
        project, system = direct[name]
        for s in system:
            if MPI_HEADER.match(s):
                return [name, s]
        for header in project:
            chain = reaches_mpi(header, seen)
            if chain:
                return [name] + chain
        return None

    for name in direct:
        if name.split("/")[0] in NO_MPI:
            chain = reaches_mpi(name, set())
            if chain:
                problems.append(f"{name} reaches an MPI header: {' -> '.join(chain)}")

    for p in problems:
        print(f"check_layers: {p}")
    if not problems:
        folders = sorted({n.split('/')[0] for n in direct})
        print(f"check_layers: {len(direct)} files in {len(folders)} folders; no two-way folder includes; "
              f"no MPI in {', '.join(f + '/' for f in NO_MPI)}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
