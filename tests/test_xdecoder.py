"""avss.xdecoder end to end: golden agreement with the authors' code, tiny fixture through the loader and segmenter,
safe checkpoint reading, offline behaviour."""
import json, os
from pathlib import Path

import numpy as np
import pytest
import torch
from PIL import Image
from safetensors.torch import load_file

from avss.core import AvssError
from avss.models import ModelUnavailableError
from avss.xdecoder import (XDecoder, XDecoderSegmenter, XDecoderBundle, config_from_release, load_weights, load_xdecoder,
                           tiny_xdecoder, _safetensors_for)

DATA = Path(__file__).parent / "data" / "xdecoder"


@pytest.fixture(scope="module")
def golden():
    g = load_file(DATA / "golden.safetensors")
    meta = json.loads((DATA / "golden.json").read_text())
    return g, meta


@pytest.fixture
def cache(tmp_path, monkeypatch):
    monkeypatch.setenv("AVSS_CACHE", str(tmp_path / "cache"))
    return tmp_path


def test_golden_semantic_map(golden):
    g, meta = golden
    cfg = config_from_release(meta["tiny_config"], vocab_size=meta["vocab_size"])
    m = load_weights(XDecoder(cfg).eval(), {k[3:]: v for k, v in g.items() if k.startswith("sd.")}, "golden")
    with torch.no_grad(): r = m(g["out.image"].float(), g["out.text_embeddings"], tuple(meta["output_hw"]))
    ref = g["out.sem_seg"]
    assert r["sem_seg"].shape == ref.shape
    assert (r["sem_seg"] - ref).abs().max() <= 1e-4
    assert torch.equal(r["sem_seg"].argmax(0), g["out.label_map"].long())


def test_tiny_segmenter_end_to_end(cache):
    seg = XDecoderSegmenter.load("tiny")
    img = Image.fromarray(np.random.default_rng(1).integers(0, 256, (37, 53, 3), dtype=np.uint8))
    res = seg(img, ["dog", "sky", "road"])
    assert tuple(res.label_map.shape) == (37, 53) and res.names == ["dog", "sky", "road"]
    assert tuple(res.scores.shape) == (3, 37, 53)          # the release's background column is dropped
    assert int(res.label_map.max()) < 3 and int(res.label_map.min()) >= 0
    assert any((cache / "cache" / "xdecoder").glob("*.safetensors"))   # the .pt fixture was converted once


def test_pickles_are_read_without_code(cache):
    marker = cache / "code-ran"
    class Evil:
        def __reduce__(self): return (open, (str(marker), "w"))
    pt = cache / "evil.pt"
    torch.save({"x": Evil()}, pt)
    assert not marker.exists()
    with pytest.raises(AvssError, match="evil.pt: cannot read as a checkpoint"): _safetensors_for(pt)
    assert not marker.exists()


def test_offline_missing_checkpoint_is_one_line(cache, monkeypatch):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1"); monkeypatch.setenv("HF_HUB_CACHE", str(cache / "hub"))
    with pytest.raises(ModelUnavailableError) as e: load_xdecoder("xdecoder-t")
    msg = str(e.value)
    assert "\n" not in msg and "xdecoder_focalt_last.pt" in msg and "--models tiny" in msg


def test_autoseg_pipeline_with_xdecoder(cache):
    "The whole AutoSeg pipeline (tiny BLIP) with X-Decoder as its segmenter: a label map at the image's size."
    from avss.models import load_blip
    from avss.pipeline import AutoSeg
    img = Image.fromarray(np.random.default_rng(2).integers(0, 256, (64, 80, 3), dtype=np.uint8))
    r = AutoSeg(load_blip("tiny"), XDecoderSegmenter.load("tiny"))(img)
    assert r.label_map.shape == (64, 80)
    named = r.label_map[r.label_map >= 0]
    assert named.size == 0 or named.max() < len(r.names)


def test_cli_tiny_xdecoder(tmp_path):
    "`avss segment IMG -o OUT --models tiny --segmenter xdecoder` exits 0 with a label map at the image's size."
    import json, os, subprocess, sys
    import numpy as np
    from PIL import Image
    src = tmp_path / "photo.jpg"
    Image.fromarray(np.random.default_rng(1).integers(0, 256, (61, 83, 3), dtype=np.uint8)).save(src)
    env = dict(os.environ, HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1", PYTHONWARNINGS="ignore")
    p = subprocess.run([str(Path(sys.executable).parent / "avss"), "segment", str(src), "-o", str(tmp_path / "out"), "--models", "tiny",
                        "--segmenter", "xdecoder", "--device", "cpu", "-q"], capture_output=True, text=True, env=env, timeout=600)
    assert p.returncode == 0 and "Traceback" not in p.stderr, p.stderr
    assert Image.open(tmp_path / "out" / "photo.jpg.png").size == (83, 61)
    assert json.loads((tmp_path / "out" / "photo.jpg.json").read_text())["settings"]["models"]["segmenter"] == "xdecoder"
