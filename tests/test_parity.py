"""The `official` preset against the released code's golden vectors (tests/data/official/README.md), through the public API."""
import json
from pathlib import Path

import numpy as np
import pytest
import torch

from avss.core import AutoSegConfig, PRESETS
from avss.align import same_partition
from avss.denoise import denoise_maps, majority_filter
from avss.encode import preprocess, released_position_tables

DATA = Path(__file__).parent / "data" / "official"


@pytest.mark.parametrize("seed", range(4))
def test_stages_after_kmeans(seed):
    d = np.load(DATA / f"masks_{seed}.npz")
    res = denoise_maps(torch.from_numpy(d["maps"]), AutoSegConfig.official())
    assert np.array_equal(res.aligned.numpy(), d["aligned"])
    assert np.allclose(res.votes.numpy(), d["prob"], atol=1e-5)
    assert np.allclose(res.crf.numpy(), d["crf"], atol=1e-4)
    assert np.array_equal(res.crf.argmax(-1).numpy(), d["argmax"])
    assert same_partition(res.labels, d["final"])


def test_majority_filter():
    mj = np.load(DATA / "majority.npz")
    for x, one, done in zip(mj["inputs"], mj["one_pass"], mj["cleaned"]):
        assert np.array_equal(majority_filter(torch.from_numpy(x), max_iter=1).numpy(), one)
        assert np.array_equal(majority_filter(torch.from_numpy(x)).numpy(), done)


def test_pixels_and_position_tables():
    pre, pe = np.load(DATA / "preprocess.npz"), np.load(DATA / "pos_embed.npz")
    enc = AutoSegConfig.official().encode
    for s in (384, 512):
        px = preprocess([pre["image"].transpose(1, 2, 0)], s, (0.5,) * 3, (0.5,) * 3, enc.resize, enc.normalise)[0]
        assert np.allclose(px.numpy(), pre[f"pixels_{s}"], atol=1e-5)
    t384, t512 = released_position_tables(torch.from_numpy(pe["stored"]), (24, 32), 32)
    assert np.allclose(t384.numpy(), pe["at_384"], atol=1e-5) and np.allclose(t512.numpy(), pe["at_512"], atol=1e-5)


def test_official_vocabulary():
    from avss.vocabulary import build_vocabulary
    gold, mode = json.loads((DATA / "vocabulary.json").read_text()), AutoSegConfig.official().vocabulary.mode
    for cap, words in gold["per_caption"].items():
        assert sorted(build_vocabulary({0: [cap]}, mode=mode).names) == words
    for grp in gold["per_group"]:
        assert sorted(build_vocabulary({3: grp["captions"]}, mode=mode).names) == grp["vocabulary"]


def test_presets():
    assert PRESETS["paper"]() == AutoSegConfig() and PRESETS["official"]() == AutoSegConfig.official()
    assert AutoSegConfig.official() != AutoSegConfig()
