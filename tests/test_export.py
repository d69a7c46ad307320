"""`avss segment --format ...coco --classes FILE` through the console script (issue 14): COCO masks equal the PNG's
pixels on every image, ids stay put across runs, and a class list gives class ids. Toy models: offline, seconds."""
import json, os, subprocess, sys
from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from pycocotools.coco import COCO

from avss.toyworld import make_scene

AVSS = str(Path(sys.executable).parent / "avss")
ENV = dict(os.environ, HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1", PYTHONWARNINGS="ignore", OMP_NUM_THREADS="2")
FAST = ("--models", "toy", "--device", "cpu", "-q")
ALL = ("--format", "png,json,overlay,coco")


def segment(*args):
    return subprocess.run([AVSS, "segment", *map(str, args), *FAST], capture_output=True, text=True, env=ENV, timeout=600)


def coco_matches_pngs(out: Path) -> COCO:
    "Assert that every annotation's mask is exactly its value's pixels in the image's PNG, and every value has one."
    c = COCO(str(out / "annotations.json"))
    assert c.dataset["info"]["description"].startswith("avss")
    for img in c.dataset["images"]:
        png = np.asarray(Image.open(out / f"{img['avss_unit']}.png"))
        info = json.loads((out / f"{img['avss_unit']}.json").read_text())
        value_of = {n: i for i, n in enumerate((info.get("labels") or {}).get("classes") or info["vocabulary"])}
        anns = c.loadAnns(c.getAnnIds(imgIds=[img["id"]]))
        assert (img["height"], img["width"]) == png.shape
        for a in anns:
            assert c.cats[a["category_id"]]["name"] == a["name"]
            mask = c.annToMask(a)
            assert (mask == (png == value_of[a["name"]])).all(), (img["file_name"], a["name"])
            assert a["area"] == int(mask.sum()) and a["iscrowd"] == 0
        labelled = set(np.unique(png).tolist()) - {255} - ({0} if "labels" in info and "classes" in info["labels"] else set())
        assert sorted(value_of[a["name"]] for a in anns) == sorted(labelled)     # one annotation per labelled value
    return c


@pytest.fixture(scope="module")
def folders(tmp_path_factory):
    d = tmp_path_factory.mktemp("export")
    (d / "in").mkdir()
    for s in (3, 4): make_scene(s, size=64).image.save(d / "in" / f"scene{s}.png")
    make_scene(5, size=64).image.save(d / "scene5.png")
    (d / "classes.txt").write_text("# toy classes\nbackground\n\nwater\ngrass\nsky\n")
    return d


def test_coco_equals_pngs_and_ids_stay(folders):
    d, out = folders, folders / "out"
    p = segment(d / "in", "-o", out, *ALL)
    assert p.returncode == 0, p.stderr
    first = coco_matches_pngs(out)
    assert {im["file_name"] for im in first.dataset["images"]} == {"scene3.png", "scene4.png"}
    p = segment(d / "in", d / "scene5.png", "-o", out, *ALL)          # a second run adds an image, skips the others
    assert p.returncode == 0 and p.stderr.count("skipped, outputs exist") == 2, p.stderr
    second = coco_matches_pngs(out)
    assert len(second.dataset["images"]) == 3
    cats = {c["name"]: c["id"] for c in second.dataset["categories"]}
    assert all(cats[c["name"]] == c["id"] for c in first.dataset["categories"])               # ids kept
    for im in first.dataset["images"]:
        assert second.imgs[im["id"]] == im
        assert second.loadAnns(second.getAnnIds(imgIds=[im["id"]])) == first.loadAnns(first.getAnnIds(imgIds=[im["id"]]))
    reg = json.loads((out / "classes.json").read_text())
    assert sorted(c["name"] for c in reg["categories"]) == sorted(cats)


def test_classes_give_class_ids_the_same_every_run(folders):
    d = folders
    runs = []
    for out in (d / "c1", d / "c2"):
        p = segment(d / "in", "-o", out, *ALL, "--classes", d / "classes.txt")
        assert p.returncode == 0, p.stderr
        coco_matches_pngs(out)
        runs.append(out)
    mapped = set()
    for name in ("scene3.png", "scene4.png"):
        a, b = (np.asarray(Image.open(o / f"{name}.png")) for o in runs)
        assert set(np.unique(a).tolist()) <= {0, 1, 2, 3, 255} and (a == b).all()
        info = json.loads((runs[0] / f"{name}.json").read_text())
        assert {r["name"] for r in info["mapping"]} == set(info["vocabulary"])
        assert all(info["labels"]["classes"][r["class"]] == r["class_name"] and r["rule"] for r in info["mapping"])
        for c in range(4):       # each class holds exactly the pixels of the names mapped onto it (pixel_share: per name)
            want = sum(info["pixel_share"][r["name"]] for r in info["mapping"] if r["class"] == c)
            assert abs((a == c).mean() - want) < 1e-5, (name, c)
        mapped |= {r["class"] for r in info["mapping"] if info["pixel_share"][r["name"]] > 0}
    assert len(mapped) >= 2, mapped          # the scenes exercise the mapping: names land on more than one class
    cats = [json.loads((o / "annotations.json").read_text())["categories"] for o in runs]
    assert cats[0] == cats[1] == [{"id": i, "name": n, "supercategory": ""} for i, n in enumerate(["background", "water", "grass", "sky"])]
    p = segment(d / "in", "-o", runs[0], *ALL)                        # auto-vocabulary into a folder of classes: refused
    assert p.returncode == 2 and p.stderr.count("\n") == 1 and "classes.json" in p.stderr


def test_bad_classes_file_is_one_line(folders, tmp_path):     # (every kind of bad file: 10a_export, load_classes)
    f = tmp_path / "bad.txt"; f.write_text("background\nsky\nSky\n")
    p = segment(folders / "in", "-o", tmp_path / "out", "--classes", f)
    assert p.returncode == 2 and p.stderr.count("\n") == 1 and str(f) in p.stderr and "Traceback" not in p.stderr
    assert not (tmp_path / "out").exists()


def test_foreign_annotations_never_replaced(folders, tmp_path):
    out = tmp_path / "out"; out.mkdir()
    (out / "annotations.json").write_text('{"images": []}')
    p = segment(folders / "in", "-o", out, *ALL)
    assert p.returncode == 2 and "not written by avss" in p.stderr and p.stderr.count("\n") == 1
    assert (out / "annotations.json").read_text() == '{"images": []}'
