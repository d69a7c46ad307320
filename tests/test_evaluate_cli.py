"""`avss evaluate` on every miniature dataset layout and on the toy world (tiny random fixtures: plumbing only)."""
import json, os, subprocess, sys
from pathlib import Path

import pytest

from avss.cli import main
from avss.datasets import make_miniature

LAYOUTS = ["voc", "context59", "context459", "ade150", "ade847", "cityscapes"]


@pytest.mark.parametrize("name", LAYOUTS)
def test_each_layout(name, tmp_path):
    root = make_miniature(name, tmp_path / "data", n=2, seed=0)
    out = tmp_path / "out"
    args = ["evaluate", "--dataset", name, "--root", str(root), "--models", "tiny", "--mapper", "exact",
            "--device", "cpu", "-q", "-o", str(out)]
    assert main(args) == 0
    res = json.loads((out / "results.json").read_text())
    assert res["dataset"] == name and res["n_images"] == 2 and 0 <= res["miou"] <= 1
    assert set(res["per_class"]) and isinstance(res["mapping"], dict)
    first = (out / "results.md").read_text()
    assert main(args) == 0 and (out / "results.md").read_text() == first      # a rerun reads the cache, same table


def test_console_script_on_toy(tmp_path):
    avss = str(Path(sys.executable).parent / "avss")
    proc = subprocess.run([avss, "evaluate", "--dataset", "toy", "--models", "toy", "--limit", "3", "--device", "cpu",
                           "-q", "-o", str(tmp_path)], capture_output=True, text=True, env=dict(os.environ, HF_HUB_OFFLINE="1"))
    assert proc.returncode == 0, proc.stderr
    res = json.loads((tmp_path / "results.json").read_text())
    assert res["n_images"] == 3 and res["miou"] > 0.5 and "AutoSeg (toy, clipseg)" in proc.stdout   # the table is printed
