"""SAM 3 as a segmenter, from outside: the console script with the tiny fixture, the registry contract, and the
missing / gated checkpoint paths (a local fake hub replays the hub's refusal, so this runs offline).

The tiny SAM 3 has random weights: these tests check plumbing, never quality.
"""
import json, os, subprocess, sys, threading, time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import numpy as np
import pytest
import torch
from PIL import Image

AVSS = str(Path(sys.executable).parent / "avss")
ENV = dict(os.environ, HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1", PYTHONWARNINGS="ignore", TOKENIZERS_PARALLELISM="false")


@pytest.fixture(scope="module")
def photo(tmp_path_factory) -> Path:
    p = tmp_path_factory.mktemp("in") / "photo.png"
    Image.fromarray(np.random.default_rng(0).integers(0, 256, (75, 101, 3), dtype=np.uint8)).save(p)
    return p


def test_cli_tiny_sam3(photo, tmp_path):
    "`avss segment IMG -o OUT --models tiny --segmenter sam3` writes a PNG at the image's size and a JSON naming sam3."
    out = tmp_path / "out"
    r = subprocess.run([AVSS, "segment", str(photo), "-o", str(out), "--models", "tiny", "--segmenter", "sam3",
                        "--device", "cpu", "-q"], capture_output=True, text=True, env=ENV, timeout=600)
    assert r.returncode == 0, r.stderr
    png, info = Image.open(out / "photo.png.png"), json.loads((out / "photo.png.json").read_text())   # NAME: the whole file name
    assert png.size == (101, 75)
    assert info["settings"]["models"]["segmenter"] == "sam3" and "tiny-sam3" in info["settings"]["models"]["segmenter_model"]
    # the PNG is the segmenter's label map for the vocabulary the pipeline found (255: unlabelled)
    from avss.segment import get_segmenter, UNLABELLED
    labels = np.asarray(png)
    vocab = info["vocabulary"]
    assert set(np.unique(labels)) <= set(range(len(vocab))) | {UNLABELLED}
    if vocab:
        seg = get_segmenter("sam3", models="tiny")(Image.open(photo), vocab)
        assert np.array_equal(seg.label_map.numpy(), labels)


def test_registry_contract():
    "Every registered segmenter loads for a models set; the pre-registry `from_pretrained` still gets the right SAM 3."
    from avss.segment import SEGMENTERS, get_segmenter, Sam3Segmenter, ClipSegSegmenter, ClusterSegmenter
    from avss.models import tiny_sam3, tiny_clipseg
    assert {"clipseg", "clusters", "sam3"} <= SEGMENTERS.keys()
    for name, cls in (("clipseg", ClipSegSegmenter), ("clusters", ClusterSegmenter), ("sam3", Sam3Segmenter)):
        s = get_segmenter(name, models="tiny", device="cpu", dtype=None)
        assert type(s) is cls and s.name == name
    assert get_segmenter("sam3", models="tiny").bundle.source == str(tiny_sam3())
    assert get_segmenter("clipseg", models="tiny").bundle.source == str(tiny_clipseg())
    from avss.pipeline import AutoSeg
    auto = AutoSeg.from_pretrained("tiny", segmenter="sam3", device="cpu")
    assert isinstance(auto.segmenter, Sam3Segmenter) and auto.segmenter.bundle.source == str(tiny_sam3())


def test_sam3_result_json():
    "A result's instances go to JSON as COCO RLE that decodes back to their masks, and match the label map."
    from avss.segment import get_segmenter, instances_to_json, rle_to_mask, UNLABELLED
    img = Image.fromarray(np.random.default_rng(3).integers(0, 256, (40, 52, 3), dtype=np.uint8))
    res = get_segmenter("sam3", models="tiny")(img, ["dog", "grass", "sky"])
    js = json.loads(json.dumps(instances_to_json(res.instances)))
    assert len(js) == len(res.instances) > 0
    for j, inst in zip(js, res.instances):
        assert np.array_equal(rle_to_mask(j["segmentation"]), inst.mask.numpy()) and j["area"] == int(inst.mask.sum())
    covered = torch.zeros(40, 52, dtype=torch.bool)
    for inst in res.instances: covered |= inst.mask
    assert torch.equal(res.label_map != UNLABELLED, covered)


class _Refusing(BaseHTTPRequestHandler):
    "A hub that refuses every request the way huggingface.co refuses a gated repo (or with a bare 403)."
    status, code = 401, "GatedRepo"
    def _refuse(self):
        self.send_response(self.status)
        if self.code: self.send_header("X-Error-Code", self.code)
        self.send_header("X-Error-Message", "Access to this model is restricted.")
        self.send_header("Content-Length", "0"); self.end_headers()
    do_GET = do_HEAD = _refuse
    def log_message(self, *a): pass


def _load_message(env: dict) -> tuple[str, float]:
    "(the one line a failed SAM 3 load prints, seconds from the call to the message, imports excluded)"
    code = ("import sys, time\nfrom avss.core import AvssError\nfrom avss.segment import get_segmenter\nt0 = time.time()\n"
            "try: get_segmenter('sam3', models='fake-org/sam3-unavailable')\n"
            "except AvssError as e: print(e); print(time.time() - t0, file=sys.stderr); sys.exit(2)")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=120)
    assert r.returncode == 2 and "Traceback" not in r.stderr, r.stderr
    lines = r.stdout.strip().splitlines()
    assert len(lines) == 1, r.stdout
    return lines[0], float(r.stderr.strip().splitlines()[-1])


@pytest.mark.parametrize("status,code", [(401, "GatedRepo"), (403, None)])
def test_gated_checkpoint_one_line(tmp_path, status, code):
    "Online, the hub refuses: one line saying to request access on the model page and log in."
    handler = type("H", (_Refusing,), {"status": status, "code": code})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        env = {k: v for k, v in ENV.items() if k not in ("HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE", "HF_TOKEN")}
        env.update(HF_ENDPOINT=f"http://127.0.0.1:{server.server_port}", HF_HOME=str(tmp_path / "hf"),
                   HF_HUB_DISABLE_IMPLICIT_TOKEN="1")
        msg, elapsed = _load_message(env)
    finally: server.shutdown()
    print(f"[{status}] {elapsed:.1f} s: {msg}")
    assert "request access on https://huggingface.co/fake-org/sam3-unavailable" in msg and "hf auth login" in msg


def test_missing_checkpoint_offline(tmp_path):
    "Offline and not cached: the usual one line on how to get the checkpoint."
    msg, elapsed = _load_message(dict(ENV, HF_HOME=str(tmp_path / "hf")))
    print(f"[offline] {elapsed:.1f} s: {msg}")
    assert "fake-org/sam3-unavailable" in msg and "HF_HUB_OFFLINE" in msg
