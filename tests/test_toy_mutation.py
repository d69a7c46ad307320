"""Outside check of the toy world as a harness: on unseen toy scenes, the pipeline with its mask stage replaced by one
all-image cluster must find clearly fewer objects than the full pipeline. Only public names are used, and the scoring
is written here, independently of `avss.evaluate`."""
import os
from types import SimpleNamespace
from unittest import mock

import numpy as np
import pytest
import torch

os.environ.setdefault("HF_HUB_OFFLINE", "1")

import avss.pipeline
from avss.pipeline import AutoSeg
from avss.toyworld import GROUNDS, TOY_CLASSES, toy_dataset

N, SEED = 40, 2026          # scenes no chapter uses (held-out: seed 1; chapter 15: seeds 11 and 12; training: [s, i, 7])


def one_cluster(grids, cfg=None, image=None):
    h, w = grids[-1].shape[:2]
    lab = torch.zeros(h, w, dtype=torch.long)
    return SimpleNamespace(labels=lab, label_maps=lab[None], aligned=lab[None], reference=0, votes=torch.ones(h, w, 1),
                           crf=torch.ones(h, w, 1))


def scores(autoseg, scenes):
    "(object recall, precision) with exact names: a name counts when it is a class present in the scene."
    found = total = right = names = 0
    for sc in scenes:
        vocab = autoseg(sc.image).vocabulary
        present = {TOY_CLASSES[c] for c in np.unique(sc.label)}
        objects = present - set(GROUNDS)
        found += len(objects & set(vocab)); total += len(objects)
        right += sum(n in present for n in vocab); names += len(vocab)
    return found / total, right / max(names, 1)


@pytest.fixture(scope="module")
def runs():
    autoseg = AutoSeg.from_pretrained("toy", "clipseg")
    scenes = [toy_dataset(N, seed=SEED)[i] for i in range(N)]
    full = scores(autoseg, scenes)
    with mock.patch.object(avss.pipeline, "bboost_masks", one_cluster):
        broken = scores(autoseg, scenes)
    return full, broken


def test_full_pipeline_finds_the_objects(runs):
    (recall, precision), _ = runs
    assert recall >= 0.85 and precision >= 0.85, runs


def test_one_cluster_loses_objects(runs):
    (recall, _), (broken_recall, _) = runs
    assert recall - broken_recall >= 0.15, runs
