"""The `avss segment` console script as a user meets it: a folder of good, odd and broken files.

Runs the installed script in a subprocess with the tiny random fixtures (plumbing only).
"""
import json, os, shutil, signal, struct, subprocess, sys, time, zlib
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

AVSS = str(Path(sys.executable).parent / "avss")
ENV = dict(os.environ, HF_HUB_OFFLINE="1", PYTHONWARNINGS="ignore")
GOOD = ["photo.jpg", "good.png", "gray16.png", "rgba.png", "cmyk.jpg", "palette.png"]
BAD = {"corrupt.jpg": "corrupt", "truncated.png": "truncated", "notes.jpg": "not an image", "empty.png": "empty",
       "tiny.png": "smaller than", "bomb.png": "decompression bomb"}


def _bomb(path: Path, side: int = 30000):
    def chunk(kind, data): return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    idat = zlib.compress((b"\x00" * (1 + side // 8)) * side, 9)
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", side, side, 1, 0, 0, 0, 0))
                     + chunk(b"IDAT", idat) + chunk(b"IEND", b""))


def make_folder(d: Path) -> Path:
    d.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(0)
    photo = Image.fromarray(rng.integers(0, 256, (72, 96, 3), dtype=np.uint8))
    photo.save(d / "photo.jpg", quality=90); photo.save(d / "good.png")
    Image.fromarray((np.arange(64 * 80).reshape(64, 80) * 12).astype(np.uint16)).save(d / "gray16.png")
    Image.fromarray(np.dstack([np.asarray(photo), np.full((72, 96), 128, np.uint8)])).save(d / "rgba.png")
    photo.convert("CMYK").save(d / "cmyk.jpg")
    photo.convert("P", palette=Image.Palette.ADAPTIVE).save(d / "palette.png")
    raw = (d / "photo.jpg").read_bytes()
    (d / "corrupt.jpg").write_bytes(raw[:150] + bytes(rng.integers(0, 256, 2000, dtype=np.uint8)))
    raw = (d / "good.png").read_bytes(); (d / "truncated.png").write_bytes(raw[: len(raw) // 2])
    (d / "notes.jpg").write_text("not an image at all\n")
    (d / "empty.png").write_bytes(b"")
    Image.new("RGB", (1, 1)).save(d / "tiny.png")
    _bomb(d / "bomb.png")
    return d


def run(*args, timeout=600):
    return subprocess.run([AVSS, *map(str, args)], capture_output=True, text=True, env=ENV, timeout=timeout)


def segment(*inputs_then_out, extra=()):
    *inp, out = inputs_then_out
    return run("segment", *inp, "-o", out, "--models", "tiny", "--device", "cpu", "--seed", "0", "-q", *extra)


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    return make_folder(tmp_path_factory.mktemp("inputs"))


@pytest.fixture(scope="module")
def first_run(folder, tmp_path_factory):
    out = tmp_path_factory.mktemp("out")
    return segment(folder, out), out


def test_exit_status_and_messages(first_run, folder):
    proc, out = first_run
    assert proc.returncode == 1, proc.stderr
    assert "Traceback" not in proc.stderr and "Traceback" not in proc.stdout
    lines = [l for l in proc.stderr.splitlines() if l.startswith("avss: ") and "written" not in l]
    assert len(lines) == len(BAD), proc.stderr
    for name, reason in BAD.items():
        hits = [l for l in lines if str(folder / name) in l]
        assert len(hits) == 1 and reason in hits[0], (name, hits)


def test_complete_valid_outputs(first_run):
    proc, out = first_run
    names = sorted(p.name for p in out.iterdir())
    expected = sorted(f"{g}{s}" for g in GOOD for s in (".png", ".json", "_overlay.png"))
    assert names == expected, names           # nothing for bad inputs, no temporary files left
    for g in GOOD:
        stem = g
        info = json.loads((out / f"{stem}.json").read_text())
        src = Image.open(out / f"{stem}.png"); src.load()
        assert src.mode == "P" and list(src.size) == info["size"]
        ov = Image.open(out / f"{stem}_overlay.png"); ov.load(); assert ov.mode == "RGB" and ov.size == src.size
        assert info["schema_version"] == 1 and isinstance(info["vocabulary"], list)
        labels = np.asarray(src)
        assert set(np.unique(labels)) <= set(range(len(info["vocabulary"]))) | {255}


def test_same_seed_same_bytes(folder, first_run, tmp_path):
    _, out1 = first_run
    again = ["good.png", "cmyk.jpg", "palette.png"]       # a second run on part of the folder, for time's sake
    proc = segment(*[folder / g for g in again], tmp_path)
    assert proc.returncode == 0, proc.stderr
    for g in again:
        stem = g
        assert (out1 / f"{stem}.png").read_bytes() == (tmp_path / f"{stem}.png").read_bytes()
        assert (out1 / f"{stem}_overlay.png").read_bytes() == (tmp_path / f"{stem}_overlay.png").read_bytes()
        a, b = (json.loads((o / f"{stem}.json").read_text()) for o in (out1, tmp_path))
        a.pop("timings"); b.pop("timings")
        assert a == b


def test_existing_outputs_kept_unless_overwrite(folder, first_run):
    _, out = first_run
    before = (out / "good.png.json").stat().st_mtime_ns
    proc = segment(folder / "good.png", out)
    assert proc.returncode == 0 and "skipped" in proc.stderr
    assert (out / "good.png.json").stat().st_mtime_ns == before
    proc = segment(folder / "good.png", out, extra=("--overwrite",))
    assert proc.returncode == 0 and (out / "good.png.json").stat().st_mtime_ns != before


def test_unwritable_output_reported_first(folder, tmp_path):
    blocker = tmp_path / "file"; blocker.write_text("x")
    proc = segment(folder, blocker / "out")
    assert proc.returncode == 2 and "not writable" in proc.stderr and "Traceback" not in proc.stderr
    assert proc.stderr.count("\n") == 1


def test_missing_model_is_one_line(folder, tmp_path):
    proc = run("segment", folder / "good.png", "-o", tmp_path, "--models", str(tmp_path / "no-model"))
    assert proc.returncode == 2 and "Traceback" not in proc.stderr and proc.stderr.count("\n") == 1


def test_version_and_help():
    assert run("--version").stdout.startswith("avss ")
    h = run("segment", "--help").stdout
    assert "--overwrite" in h and "--models" in h and "--segmenter" in h


def test_interrupted_run_resumes(tmp_path):
    src = tmp_path / "in"; src.mkdir()
    rng = np.random.default_rng(1)
    for i in range(5): Image.fromarray(rng.integers(0, 256, (64, 64, 3), dtype=np.uint8)).save(src / f"im{i}.png")
    out = tmp_path / "out"
    p = subprocess.Popen([AVSS, "segment", str(src), "-o", str(out), "--models", "tiny", "--device", "cpu", "-q"],
                         env=ENV, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.time() + 300
    while time.time() < deadline and not (out.exists() and list(out.glob("*.json"))): time.sleep(0.05)
    p.kill(); p.wait()
    done = sorted(out.glob("*.json"))
    assert 0 < len(done) < 5, "kill came too late to test an interruption"
    for f in out.iterdir():                     # every visible file is complete
        if f.name.startswith("."): continue
        if f.suffix == ".json": json.loads(f.read_text())
        else: Image.open(f).load()
    proc = segment(src, out)
    assert proc.returncode == 0, proc.stderr
    assert sorted(p.name for p in out.iterdir()) == sorted(f"im{i}.png{s}" for i in range(5) for s in (".png", ".json", "_overlay.png"))
