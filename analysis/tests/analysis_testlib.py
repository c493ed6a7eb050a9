"""Helpers shared by the analysis tests (a uniquely named module, so it cannot clash with other test folders)."""
import os
import struct
import subprocess
import sys

ANALYSIS_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
REPO_ROOT = os.path.dirname(ANALYSIS_DIR)
REPORT = os.path.join(ANALYSIS_DIR, "report.py")
if ANALYSIS_DIR not in sys.path:
    sys.path.insert(0, ANALYSIS_DIR)

STRONG_FRACTIONS = (0.0, 0.05, 0.3)
WEAK_ALPHA = 0.1
NO_P1_FRACTION = 0.05
SWEEP_LABEL = "pi sweep"   # the chunk-size sweep (make_synthetic.CHUNK_SWEEP) in its own file
SWEEP_RANKS = (2,)


def run_report(*args):
    """report.py in a fresh interpreter, as a user would run it."""
    return subprocess.run([sys.executable, REPORT, *map(str, args)], capture_output=True, text=True, timeout=300)


def strong_label(f):
    return f"trig f={f:g}"


def png_size(path):
    """(width, height) of a PNG, after checking that it is one."""
    with open(path, "rb") as fh:
        head = fh.read(24)
    assert head[:8] == b"\x89PNG\r\n\x1a\n", f"{path} is not a PNG"
    assert head[12:16] == b"IHDR"
    return struct.unpack(">II", head[16:24])
