"bf16 end to end on the CPU: weights loaded in that precision, every stage runs, outputs complete."
import json, os, subprocess, sys
from pathlib import Path

import numpy as np
import torch
from PIL import Image

AVSS = str(Path(sys.executable).parent / "avss")
ENV = dict(os.environ, HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1", PYTHONWARNINGS="ignore")


def test_bf16_weights_and_run():
    from avss import AutoSeg
    seg = AutoSeg.from_pretrained("tiny", device="cpu", dtype="bf16")
    assert next(seg.blip.model.parameters()).dtype == torch.bfloat16 and seg.config.dtype == "bf16"
    img = Image.fromarray(np.random.default_rng(0).integers(0, 256, (70, 90, 3), dtype=np.uint8))
    r = seg(img)
    assert r.label_map.shape == (70, 90) and r.captions


def test_bf16_from_the_command_line(tmp_path):
    from avss.toyworld import make_scene
    src = tmp_path / "scene.png"; make_scene(4).image.save(src)
    out = tmp_path / "out"
    p = subprocess.run([AVSS, "segment", str(src), "-o", str(out), "--models", "toy", "--dtype", "bf16", "--device", "cpu", "-q"],
                       capture_output=True, text=True, env=ENV, timeout=600)
    assert p.returncode == 0 and "Traceback" not in p.stderr, p.stderr
    info = json.loads((out / "scene.png.json").read_text())
    assert info["settings"]["config"]["dtype"] == "bf16" and info["vocabulary"]
    assert Image.open(out / "scene.png.png").size == (256, 256)
