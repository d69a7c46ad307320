"""Public API of avss.evaluate, avss.datasets and avss.lave, exercised from outside the notebooks (fast: no models)."""
import json

import numpy as np
import pytest

from avss.core import AvssError
from avss.datasets import VOC_CLASSES, get_dataset, make_miniature, register_dataset, subset
from avss.evaluate import OraclePredictor, confusion_matrix, evaluate, miou
from avss.lave import ExactMapper, parse_reply


def masks_iou(pred, gt, n, ignore=255):
    "IoU per class straight from the definition, with boolean masks."
    valid = gt != ignore
    out = []
    for k in range(n):
        p, g = (pred == k) & valid, (gt == k) & valid
        union = (p | g).sum()
        out.append((p & g).sum() / union if union else np.nan)
    return np.array(out)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_miou_matches_definition(seed):
    rng = np.random.default_rng(seed)
    n = 9
    gt = rng.choice([0, 2, 3, 7], size=(33, 47))
    pred = np.where(rng.random(gt.shape) < 0.5, gt, rng.choice([0, 1, 2, 3], size=gt.shape))
    gt[rng.random(gt.shape) < 0.15] = 255
    conf = confusion_matrix(pred, gt, n)
    assert conf.shape == (n, n) and conf.sum() == (gt != 255).sum()
    assert conf[:, 1].sum() == ((pred == 1) & (gt != 255)).sum()          # columns are predictions
    score, ious = miou(conf)
    ref = masks_iou(pred, gt, n)
    assert np.allclose(ious, ref, equal_nan=True) and np.isclose(score, np.nanmean(ref))
    assert np.isnan(ious[[4, 5, 6, 8]]).all() and ious[1] == 0


def test_parse_reply_rules():
    assert parse_reply("'dog'", VOC_CLASSES) == "dog"
    assert parse_reply("'a', 'cat', 'dog', 'cow', 'sheep'", VOC_CLASSES) == "background"
    assert parse_reply("no idea", VOC_CLASSES) == "background"


def test_resume_gives_same_results(tmp_path):
    ds = get_dataset("cityscapes", make_miniature("cityscapes", tmp_path / "cs", n=4, seed=5))
    oracle = OraclePredictor(ds, noise=0.2)
    calls = []

    def dies_after_two(image):
        if len(calls) == 2: raise RuntimeError("killed")
        calls.append(1)
        return oracle(image)

    with pytest.raises(RuntimeError):
        evaluate(ds, dies_after_two, ExactMapper(ds.classes), out_dir=tmp_path / "a", cache_dir=tmp_path / "ca", progress=False)
    calls.clear()
    resumed = evaluate(ds, lambda im: (calls.append(1), oracle(im))[1], ExactMapper(ds.classes),
                       out_dir=tmp_path / "a", cache_dir=tmp_path / "ca", progress=False)
    assert len(calls) == 2
    whole = evaluate(ds, oracle, ExactMapper(ds.classes), out_dir=tmp_path / "b", progress=False)
    assert resumed == whole and 0 < whole["miou"] < 1
    assert (tmp_path / "a/results.md").read_text() == (tmp_path / "b/results.md").read_text()
    saved = json.loads((tmp_path / "a/results.json").read_text())
    assert {"dataset", "n_images", "miou", "per_class", "mapping", "c_miou"} <= set(saved)


def test_registry_and_subset():
    with pytest.raises(AvssError):
        get_dataset("no-such-dataset")
    one = get_dataset("voc_sample")
    register_dataset("voc_twice", lambda root=None, split="val": subset(one, [0, 0]))
    r = evaluate(get_dataset("voc_twice"), OraclePredictor(one), ExactMapper(one.classes), progress=False)
    assert r["n_images"] == 2 and r["miou"] == 1.0
