"""`avss segment` and `avss evaluate` never lose or mix data (issue #12): each case runs the installed console script.

Every test checks what the user can see: inputs and unrelated files unchanged (hashes), outputs distinct and complete
(the JSON's recorded hashes match its siblings), no traceback, the documented exit status (10_cli: 0 done, 1 some inputs
failed, 2 nothing run, 3 disk full, 143 SIGTERM). `--models tiny` keeps it fast (plumbing only).
"""
import hashlib, json, os, shutil, signal, subprocess, sys, time
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

AVSS = str(Path(sys.executable).parent / "avss")
ENV = dict(os.environ, HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1", PYTHONWARNINGS="ignore", OMP_NUM_THREADS="1")
FAST = ("--models", "tiny", "--device", "cpu", "-q")
LONG = "L" * 246 + ".png"          # 250 characters: its outputs' names are too long for the file system


def run(*args, cwd=None, umask=None, timeout=600):
    pre = (lambda: os.umask(umask)) if umask is not None else None
    return subprocess.run([AVSS, *map(str, args)], capture_output=True, text=True, env=ENV, cwd=cwd, timeout=timeout,
                          preexec_fn=pre)


def image(path: Path, seed: int, size=(40, 48)):
    Image.fromarray(np.random.default_rng(seed).integers(0, 256, (*size, 3), dtype=np.uint8)).save(path)
    return path


def hashes(folder: Path) -> dict:
    "Every file under `folder` (relative name -> sha256); folders as 'dir'."
    return {str(p.relative_to(folder)): ("dir" if p.is_dir() else hashlib.sha256(p.read_bytes()).hexdigest())
            for p in sorted(folder.rglob("*"))}


def complete(out: Path, name: str) -> dict:
    "Assert that NAME's three outputs form one complete set; return its JSON."
    info = json.loads((out / f"{name}.json").read_text())
    for k, suffix in (("png", ".png"), ("overlay", "_overlay.png")):
        f = out / f"{name}{suffix}"
        assert info["files"][k]["name"] == f.name
        assert info["files"][k]["sha256"] == hashlib.sha256(f.read_bytes()).hexdigest(), f
        Image.open(f).load()
    return info


def no_temps(out: Path):
    left = [p.name for p in out.iterdir() if "~avss-" in p.name]
    assert not left, left


def clean(proc):
    assert "Traceback" not in proc.stderr and "Traceback" not in proc.stdout, proc.stderr


# ---------------------------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def big_run(tmp_path_factory):
    """One run over the awkward cases: x.png + x_overlay.png, a multi-frame GIF, a 250-character name, a user's file
    with an output's name, a user's a.png, .notes.tmp and a .x.tmp folder in OUT; umask 022."""
    root = tmp_path_factory.mktemp("big")
    src, out = root / "in", root / "out"
    src.mkdir(); out.mkdir()
    for i, n in enumerate(["a.png", "x.png", "x_overlay.png", "b.png", LONG]): image(src / n, i)
    frames = [Image.new("RGB", (48, 40), c) for c in ("red", "blue")]
    frames[0].save(src / "anim.gif", save_all=True, append_images=frames[1:])
    (out / ".notes.tmp").write_text("my notes")
    (out / ".x.tmp").mkdir(); (out / ".x.tmp" / "inside").write_text("keep")
    image(out / "a.png", 99)                               # a user's picture that happens to share an input's name
    (out / "b.png.png").write_bytes(b"a user's file named like b.png's label map")
    before_in, before_out = hashes(src), hashes(out)
    proc = run("segment", src, "-o", out, *FAST, umask=0o022)
    return proc, src, out, before_in, before_out


def test_big_run_status_and_lines(big_run):
    proc, src, out, *_ = big_run
    clean(proc)
    assert proc.returncode == 1, proc.stderr                  # b.png and the long name failed, the rest is done
    lines = proc.stderr.splitlines()
    assert len([l for l in lines if str(src / LONG) in l]) == 1 and "too long" in proc.stderr
    assert len([l for l in lines if str(src / "b.png") in l and "not written by avss" in l]) == 1
    assert any(str(src / "anim.gif") in l and "2 frames" in l and "frame 0" in l for l in lines)


def test_big_run_inputs_and_user_files_unchanged(big_run):
    proc, src, out, before_in, before_out = big_run
    assert hashes(src) == before_in
    after = hashes(out)
    assert {k: after[k] for k in before_out} == before_out     # .notes.tmp, .x.tmp/, a.png, b.png.png untouched
    no_temps(out)


def test_big_run_outputs_distinct_and_complete(big_run):
    proc, src, out, _, before_out = big_run
    names = ["a.png", "x.png", "x_overlay.png", "anim.gif"]
    new = sorted(set(p.name for p in out.iterdir()) - {Path(k).parts[0] for k in before_out})
    assert new == sorted(f"{n}{s}" for n in names for s in (".png", ".json", "_overlay.png"))
    for n in names:
        info = complete(out, n)
        assert info["source"]["path"] == str((src / n).resolve())
        assert info["source"]["sha256"] == hashlib.sha256((src / n).read_bytes()).hexdigest()
    # x's overlay and x_overlay's label map are different files holding different things
    assert (out / "x.png_overlay.png").read_bytes() != (out / "x_overlay.png.png").read_bytes()


def test_umask_honoured(big_run):
    _, _, out, *_ = big_run
    for n in ("a.png.png", "a.png_overlay.png", "a.png.json"):
        assert (out / n).stat().st_mode & 0o777 == 0o644, n


def test_rerun_adds_a_jpg_and_repairs_a_mixed_set(big_run):
    """a.jpg beside a segmented a.png is segmented too; a set whose PNG no longer matches its JSON (an interrupted
    --overwrite) is redone; --overwrite never replaces the user's b.png.png."""
    from avss.pipeline import _png_bytes, label_png
    proc0, src, out, *_ = big_run
    image(src / "a.jpg", 7)
    good = (out / "x.png.png").read_bytes()
    (out / "x.png.png").write_bytes(_png_bytes(label_png(np.zeros((48, 40), np.int32)), str((src / "x.png").resolve())))
    a_json = (out / "a.png.json").read_bytes()
    (src / LONG).unlink(); (src / "anim.gif").unlink()
    proc = run("segment", src, "-o", out, *FAST)
    clean(proc)
    assert proc.returncode == 1 and "a.jpg" not in "".join(l for l in proc.stderr.splitlines() if "skipped" in l)
    complete(out, "a.jpg"); complete(out, "x.png")
    assert (out / "x.png.png").read_bytes() == good            # redone: the same labels as before the damage
    assert (out / "a.png.json").read_bytes() == a_json          # a.png was skipped, untouched
    proc = run("segment", src / "b.png", "-o", out, *FAST, "--overwrite")
    clean(proc)
    assert proc.returncode == 1 and "not written by avss" in proc.stderr
    assert (out / "b.png.png").read_bytes().startswith(b"a user's file")


def test_output_of_another_source_refused_unless_overwrite(big_run, tmp_path):
    _, src, out, *_ = big_run
    other = tmp_path / "a.png"; image(other, 55)
    before = hashes(out)
    proc = run("segment", other, "-o", out, *FAST)
    clean(proc)
    assert proc.returncode == 1 and "another image" in proc.stderr and hashes(out) == before
    proc = run("segment", other, "-o", out, *FAST, "--overwrite")
    assert proc.returncode == 0, proc.stderr
    assert complete(out, "a.png")["source"]["path"] == str(other.resolve())


# ---------------------------------------------------------------------------------------------------------------
def test_output_folder_that_touches_inputs_is_refused(tmp_path):
    src = tmp_path / "in"; src.mkdir()
    image(src / "a.png", 0); image(src / "photo.png", 1); image(src / "a.png.png", 2)
    before = hashes(tmp_path)
    for out, cwd, words in [(src, None, "is the input folder"), (src / "sub", None, "inside the input folder"),
                            ("", src, "empty")]:
        proc = run("segment", src, "-o", out, *FAST, cwd=cwd)
        clean(proc)
        assert proc.returncode == 2 and words in proc.stderr and proc.stderr.count("\n") == 1, proc.stderr
        assert hashes(tmp_path) == before
    proc = run("segment", src / "a.png", src / "a.png.png", "-o", src, *FAST)   # a.png.png would be a.png's output
    assert proc.returncode == 2 and "would replace this input" in proc.stderr and hashes(tmp_path) == before


def test_same_file_name_from_two_folders_is_refused(tmp_path):
    for d in ("one", "two"): (tmp_path / d).mkdir(); image(tmp_path / d / "a.png", len(d))
    proc = run("segment", tmp_path / "one", tmp_path / "two", "-o", tmp_path / "out", *FAST)
    clean(proc)
    assert proc.returncode == 2 and "would write the same outputs" in proc.stderr and proc.stderr.count("\n") == 1
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("bad", [("--seed", "99999999999999999999"), ("--seed", "-1"), ("--device", "tpu"),
                                 ("--device", ""), ("--device", "mps"), ("--dtype", "fp64"), ("--segmenter", "nope")])
def test_bad_options_one_line_before_loading(bad, tmp_path):
    image(tmp_path / "a.png", 0)
    proc = run("segment", tmp_path / "a.png", "-o", tmp_path / "out", "--models", "tiny", *bad)
    clean(proc)
    assert proc.returncode == 2 and proc.stderr.count("\n") == 1 and bad[0] in proc.stderr, proc.stderr
    assert not (tmp_path / "out").exists()


def test_evaluate_bad_limit_and_output_file(tmp_path):
    proc = run("evaluate", "--dataset", "toy", "--models", "tiny", "--limit", "0", "-o", tmp_path / "o")
    clean(proc); assert proc.returncode == 2 and proc.stderr.count("\n") == 1 and "--limit" in proc.stderr
    (tmp_path / "file").write_text("mine")
    proc = run("evaluate", "--dataset", "toy", "--models", "tiny", "--limit", "1", "-o", tmp_path / "file")
    clean(proc); assert proc.returncode == 2 and proc.stderr.count("\n") == 1 and "is a file" in proc.stderr
    assert (tmp_path / "file").read_text() == "mine"


# ---------------------------------------------------------------------------------------------------------------
FULL_DISK = """
import errno, sys
import avss.pipeline as P
from avss.cli import main
real, n = P.write_temp, [0]
def full(path, data):
    n[0] += 1
    if n[0] > 3: raise OSError(errno.ENOSPC, "No space left on device", str(path))   # room for one image's files
    return real(path, data)
P.write_temp = full
sys.exit(main(sys.argv[1:]))
"""


def test_disk_full_stops_and_rerun_completes(tmp_path):
    src, out = tmp_path / "in", tmp_path / "out"; src.mkdir()
    for i in range(3): image(src / f"im{i}.png", i)
    before = hashes(src)
    proc = subprocess.run([sys.executable, "-c", FULL_DISK, "segment", str(src), "-o", str(out), *FAST],
                          capture_output=True, text=True, env=ENV, timeout=600)
    clean(proc)
    assert proc.returncode == 3 and "No space left on device" in proc.stderr and "rerun" in proc.stderr, proc.stderr
    assert sorted(p.name for p in out.iterdir()) == ["im0.png.json", "im0.png.png", "im0.png_overlay.png"]
    proc = run("segment", src, "-o", out, *FAST)
    assert proc.returncode == 0, proc.stderr
    for i in range(3): complete(out, f"im{i}.png")
    no_temps(out); assert hashes(src) == before


def test_sigterm_stops_cleanly_and_rerun_completes(tmp_path):
    src, out = tmp_path / "in", tmp_path / "out"; src.mkdir()
    for i in range(12): image(src / f"im{i}.png", i, (64, 64))
    p = subprocess.Popen([AVSS, "segment", str(src), "-o", str(out), *FAST], env=ENV, stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, text=True)
    deadline = time.time() + 300
    while time.time() < deadline and p.poll() is None and not (out.exists() and list(out.glob("*.json"))): time.sleep(0.05)
    p.send_signal(signal.SIGTERM)
    _, err = p.communicate(timeout=120)
    assert "Traceback" not in err
    if p.returncode == 0: pytest.skip("the run finished before SIGTERM arrived")
    assert p.returncode == 143 and "terminated" in err, err
    no_temps(out)
    for j in out.glob("*.json"): complete(out, j.name[:-5])
    assert len(list(out.glob("*.json"))) < 12
    proc = run("segment", src, "-o", out, *FAST)
    assert proc.returncode == 0, proc.stderr
    for i in range(12): complete(out, f"im{i}.png")


def test_concurrent_runs_into_one_folder(tmp_path):
    src, out = tmp_path / "in", tmp_path / "out"; src.mkdir()
    for i in range(4): image(src / f"im{i}.png", i)
    ps = [subprocess.Popen([AVSS, "segment", str(src), "-o", str(out), *FAST], env=ENV, stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, text=True) for _ in range(2)]
    for p in ps:
        _, err = p.communicate(timeout=600)
        assert p.returncode == 0 and "Traceback" not in err, err
    assert sorted(p.name for p in out.iterdir()) == sorted(f"im{i}.png{s}" for i in range(4) for s in (".png", ".json", "_overlay.png"))
    for i in range(4): complete(out, f"im{i}.png")


# ---------------------------------------------------------------------------------------------------------------
def _evaluate(root, out):
    return run("evaluate", "--dataset", "voc", "--root", root, "--models", "tiny", "--mapper", "exact", "--device", "cpu",
               "-q", "-o", out)


def test_evaluate_cache_follows_content_and_bad_labels_are_one_line(tmp_path):
    from avss.datasets import make_miniature, get_dataset
    a = make_miniature("voc", tmp_path / "a", n=2, seed=0)
    shutil.copytree(tmp_path / "a", tmp_path / "b")            # another copy: the same ids ...
    lab = Path(get_dataset("voc", tmp_path / "b").items[0][2])
    im = Image.open(lab); arr = np.array(im); arr[:, : arr.shape[1] // 2] = 0     # ... but one label differs
    edited = Image.fromarray(arr, "P"); edited.putpalette(im.getpalette()); edited.save(lab)
    assert _evaluate(tmp_path / "a", tmp_path / "out").returncode == 0
    first = json.loads((tmp_path / "out/results.json").read_text())
    proc = _evaluate(tmp_path / "b", tmp_path / "out")             # the same output folder: its cache
    assert proc.returncode == 0, proc.stderr
    fresh = _evaluate(tmp_path / "b", tmp_path / "fresh")
    reused, alone = (json.loads((tmp_path / d / "results.json").read_text()) for d in ("out", "fresh"))
    assert reused == alone and reused != first
    lab.write_bytes(lab.read_bytes()[:80])                         # a truncated label
    proc = _evaluate(tmp_path / "b", tmp_path / "third")
    clean(proc)
    assert proc.returncode == 2 and proc.stderr.count("\n") == 1 and str(lab) in proc.stderr, proc.stderr


def test_batch_size_gives_the_same_outputs(tmp_path):
    src = tmp_path / "in"; src.mkdir()
    for i in range(3): image(src / f"im{i}.png", i, (40 + 8 * i, 48))       # different sizes in one batch
    (src / "bad.png").write_bytes(b"not an image")
    one = run("segment", src, "-o", tmp_path / "one", *FAST)
    three = run("segment", src, "-o", tmp_path / "three", *FAST, "--batch-size", "3")
    for p in (one, three): clean(p); assert p.returncode == 1 and p.stderr.count(str(src / "bad.png")) == 1, p.stderr
    for i in range(3):
        n = f"im{i}.png"
        for s in (".png", "_overlay.png"): assert (tmp_path / "one" / f"{n}{s}").read_bytes() == (tmp_path / "three" / f"{n}{s}").read_bytes()
        a, b = (complete(tmp_path / d, n) for d in ("one", "three"))
        a.pop("timings"); b.pop("timings")
        assert a == b
