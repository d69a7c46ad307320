"The toy world's shipped models load offline through the normal loader, and the toy dataset is reachable by name."
import os

import numpy as np
import torch

os.environ.setdefault("HF_HUB_OFFLINE", "1")

from avss.datasets import get_dataset
from avss.models import TOY_DIR, load_blip, load_clipseg
from avss.toyworld import TOY_CLASSES, make_scene, region_grid


def test_shipped_models_load_offline():
    blip, seg = load_blip("toy"), load_clipseg("toy")
    assert blip.patch_size == 16 and seg.image_size == 224    # BLIP's own patch size: the real 24x24 / 32x32 grids
    assert sum(f.stat().st_size for f in TOY_DIR.rglob("*.safetensors")) < 8e6
    with torch.no_grad():
        out = blip.model.vision_model(pixel_values=torch.zeros(1, 3, 512, 512), interpolate_pos_encoding=True)
    assert out.last_hidden_state.shape == (1, 1 + 32 * 32, blip.model.config.vision_config.hidden_size)
    ids = seg.tokenizer(["circle"]).input_ids
    assert len(ids) == 1 and len(ids[0]) == 3      # start, the bare class name as one token, end


def test_toy_dataset_by_name():
    ds = get_dataset("toy")
    assert ds.name == "toy" and list(ds.classes) == TOY_CLASSES and len(ds) == 100
    a, b = ds[0], ds[0]
    assert a.image_id == b.image_id and np.array_equal(a.label, b.label)
    assert a.label.shape == (a.image.height, a.image.width) and a.label.max() < len(TOY_CLASSES)


def test_region_grid_follows_regions():
    sc = make_scene(11)
    g = region_grid(sc, 32, 32)
    big = [i for i, (_, m, _) in enumerate(sc.regions) if m.mean() > 0.05]
    assert set(big) <= set(np.unique(g).tolist())     # every sizeable region owns patches
