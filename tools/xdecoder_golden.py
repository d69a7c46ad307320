#!/usr/bin/env python3
"""Record golden vectors for `avss.xdecoder` from the authors' own X-Decoder code.

What it does
  1. builds the reference model (microsoft/X-Decoder, `GeneralizedXdecoder`) from the release's Focal-T config
     (configs/xdecoder/focalt_unicl_lang.yaml) shrunk to a tiny size (see TINY below), with a small CLIP BPE
     tokenizer (tests/data/xdecoder/tokenizer, written by `avss.models.write_clip_tokenizer`);
  2. overwrites every parameter with seeded random values of a useful scale (the release's own init leaves
     layer-scale gammas at 1e-4, which would hide most of the backbone);
  3. runs the release's semantic-segmentation evaluation path on one seeded image with a small vocabulary
     (text embeddings from the release's 80 prompt templates, "background" appended as the release's demo does)
     and records, part by part: backbone features, pixel-decoder features, decoder mask logits and class
     embeddings, text embeddings, the final per-class semantic map;
  4. records the same for a backbone-only tiny *non-dw* FocalNet ("focal", the variant the Focal-L config uses);
  5. instantiates the full-size Focal-T and Focal-L configs on the meta device (no weights) and records their
     parameter counts and their state-dict key -> shape tables.

Outputs (in --out, default tests/data/xdecoder): golden.safetensors (float32/int32 tensors), golden.json.

Where it runs: anywhere the reference can be installed -- a venv with torch, detectron2 built from source,
timm, fvcore, transformers (see /work/shared/ENVIRONMENT.md: a torchvision stand-in is enough, since only the
names imported by detectron2 are needed). Nothing of the reference is copied into this project; the script
imports it from --xdecoder (a checkout of github.com/microsoft/X-Decoder).

    python tools/xdecoder_golden.py --xdecoder /path/to/X-Decoder [--out tests/data/xdecoder]
"""
import argparse, copy, json, math, sys, types
from pathlib import Path

import numpy as np
import torch
import yaml

SEED = 0
VOCAB = ["dog", "grass", "sky", "red car"]       # + "background", as the release's semseg demo does
IMAGE_HW, OUTPUT_HW = (60, 90), (50, 70)         # network input (before padding to 32) and requested output size
TINY = {  # (section path, value) overrides of the Focal-T config
    "MODEL.DIM_PROJ": 24, "MODEL.BACKBONE_DIM": 64,
    "MODEL.TEXT.CONTEXT_LENGTH": 16, "MODEL.TEXT.WIDTH": 32, "MODEL.TEXT.HEADS": 2, "MODEL.TEXT.LAYERS": 2,
    "MODEL.BACKBONE.FOCAL.EMBED_DIM": 8, "MODEL.BACKBONE.FOCAL.DEPTHS": [1, 1, 2, 1],
    "MODEL.ENCODER.CONVS_DIM": 32, "MODEL.ENCODER.MASK_DIM": 32, "MODEL.ENCODER.TRANSFORMER_ENC_LAYERS": 2,
    "MODEL.DECODER.HIDDEN_DIM": 32, "MODEL.DECODER.NHEADS": 2, "MODEL.DECODER.DIM_FEEDFORWARD": 64,
    "MODEL.DECODER.DEC_LAYERS": 5, "MODEL.DECODER.NUM_OBJECT_QUERIES": 7, "MODEL.DECODER.RETRIEVAL.DIM_IMG": 64,
    # semantic output only, resized before inference exactly as the release config does (PANOPTIC_ON forces that there)
    "MODEL.DECODER.TEST.PANOPTIC_ON": False, "MODEL.DECODER.TEST.INSTANCE_ON": False,
    "MODEL.DECODER.TEST.SEM_SEG_POSTPROCESSING_BEFORE_INFERENCE": True,
}
TINY_NODW = {"MODEL.BACKBONE.NAME": "focal", "MODEL.BACKBONE.FOCAL.DEPTHS": [1, 1, 1, 1], "MODEL.BACKBONE.FOCAL.FOCAL_LEVELS": [2, 2, 2, 2],
             "MODEL.BACKBONE.FOCAL.FOCAL_WINDOWS": [3, 3, 3, 3]}
FULL_VOCAB_SIZE = 49408                           # CLIP's BPE vocabulary (openai/clip-vit-base-patch32)


def setp(cfg, path, v):
    *head, last = path.split(".")
    for h in head: cfg = cfg[h]
    cfg[last] = v


def _inert(name: str, **attrs):
    "Register an inert stand-in module unless the real one imports."
    try: __import__(name); return
    except ImportError: pass
    m = types.ModuleType(name); m.__dict__.update(attrs); sys.modules[name] = m
    parent, _, leaf = name.rpartition(".")
    if parent: setattr(sys.modules[parent], leaf, m)


def stub_modules():
    "Stand-ins for imports the semantic path never uses: mpi4py (distributed training), kornia (SEEM's clicks)."
    def unavailable(*a, **k): raise RuntimeError("stand-in: not available in the golden run")
    _inert("kornia"); _inert("kornia.contrib", distance_transform=unavailable)
    mpi = types.ModuleType("mpi4py"); mpi.MPI = types.SimpleNamespace(COMM_WORLD=types.SimpleNamespace(Get_rank=lambda: 0, Get_size=lambda: 1))
    sys.modules.setdefault("mpi4py", mpi); sys.modules.setdefault("mpi4py.MPI", mpi.MPI)
    torch.Tensor.cuda = lambda self, *a, **k: self   # the reference moves text tokens with .cuda(); stay on CPU


def load_cfg(xd: Path, name: str, tokenizer: Path, overrides: dict) -> dict:
    cfg = yaml.safe_load((xd / "configs" / "xdecoder" / name).read_text())
    cfg["device"] = "cpu"
    cfg["MODEL"]["TEXT"]["PRETRAINED_TOKENIZER"] = str(tokenizer)
    for k, v in overrides.items(): setp(cfg, k, v)
    return cfg


def randomize(model: torch.nn.Module, seed: int):
    "Seeded values of a useful scale: weights ~ N(0, 1/fan_in), norm scales ~ 1 + 0.1 N, other vectors ~ 0.1 N."
    g = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for name, p in sorted(model.named_parameters()):
            leaf = name.rsplit(".", 1)[-1]
            if p.dim() >= 2:
                fan_in = p[0].numel() if "embedding" not in name and "embed.weight" not in name else p.shape[-1]
                p.copy_(torch.randn(p.shape, generator=g) / math.sqrt(max(fan_in, 1)))
            elif p.dim() == 1 and leaf == "weight":
                p.copy_(1 + 0.1 * torch.randn(p.shape, generator=g))
            else:
                p.copy_(0.1 * torch.randn(p.shape, generator=g))
        lang = model.sem_seg_head.predictor.lang_encoder if hasattr(model, "sem_seg_head") else None
        if lang is not None: lang.logit_scale.fill_(math.log(10.0))


def full_size(xd: Path, name: str, tokenizer: Path, build_model) -> dict:
    "Instantiate a release config without weights (CLIP's vocabulary size) and describe its state dict."
    import modeling.language.vlpencoder as vlp
    cfg = load_cfg(xd, name, tokenizer, {})
    real = vlp.build_tokenizer
    def big_tokenizer(c):
        tok = real(c); tok.__class__ = type("FullVocab", (tok.__class__,), {"vocab_size": property(lambda s: FULL_VOCAB_SIZE)})
        return tok
    vlp.build_tokenizer = big_tokenizer
    try:
        model = build_model(cfg)   # on CPU: the reference calls .item() during construction, which the meta device refuses
    finally: vlp.build_tokenizer = real
    sd = model.state_dict()
    return {"config": name, "backbone": cfg["MODEL"]["BACKBONE"]["NAME"],
            "n_parameters": sum(p.numel() for p in model.parameters()),
            "n_state_numel": sum(v.numel() for v in sd.values()),
            "state_dict": {k: list(v.shape) for k, v in sd.items()}}


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--xdecoder", required=True, type=Path, help="checkout of microsoft/X-Decoder")
    ap.add_argument("--out", type=Path, default=Path(__file__).resolve().parents[1] / "tests" / "data" / "xdecoder")
    a = ap.parse_args()
    tokenizer = a.out / "tokenizer"
    if not (tokenizer / "tokenizer_config.json").exists(): sys.exit(f"{tokenizer}: no tokenizer (write it with avss.models.write_clip_tokenizer)")
    sys.path.insert(0, str(a.xdecoder.resolve()))
    stub_modules()
    from modeling import build_model
    from utils.prompt_engineering import get_prompt_templates

    # 1-3: tiny model, golden vectors of each part
    cfg = load_cfg(a.xdecoder, "focalt_unicl_lang.yaml", tokenizer, TINY)
    model = build_model(cfg).eval()
    randomize(model, SEED)
    lang = model.sem_seg_head.predictor.lang_encoder
    names = VOCAB + ["background"]
    lang.get_text_embeddings(names, is_eval=True)
    templates = get_prompt_templates()
    ids = lang.tokenizer([t.format(n) for n in names for t in templates], padding="max_length", truncation=True,
                         max_length=lang.max_token_num, return_tensors="pt")["input_ids"]
    g = torch.Generator().manual_seed(SEED)
    image = torch.randint(0, 256, (3, *IMAGE_HW), generator=g, dtype=torch.uint8)
    rec = {}
    model.backbone.register_forward_hook(lambda m, i, o: rec.update({f"backbone.{k}": v for k, v in o.items()}))
    pd = model.sem_seg_head.pixel_decoder; pd_ff = pd.forward_features
    def pd_rec(features):
        mask_f, enc_f, ms = pd_ff(features)
        rec.update({"pixel.mask_features": mask_f, "pixel.encoder_features": enc_f, **{f"pixel.multi_scale.{i}": x for i, x in enumerate(ms)}})
        return mask_f, enc_f, ms
    pd.forward_features = pd_rec
    def pred_rec(m, i, o):
        rec.update({"decoder.pred_logits": o["pred_logits"], "decoder.pred_masks": o["pred_masks"],
                    "decoder.pred_class_embed": o["pred_captions"], "decoder.aux0_pred_masks": o["aux_outputs"][0]["pred_masks"],
                    "decoder.aux0_pred_logits": o["aux_outputs"][0]["pred_logits"]})
    hook = model.sem_seg_head.predictor.register_forward_hook(pred_rec)
    with torch.no_grad():
        out = model([{"image": image, "height": OUTPUT_HW[0], "width": OUTPUT_HW[1]}])
    sem = out[0]["sem_seg"]
    rec.update({"text_embeddings": lang.default_text_embeddings, "sem_seg": sem, "label_map": sem.argmax(0).to(torch.int32),
                "image": image, "token_ids": ids.view(len(names), len(templates), -1).to(torch.int32)})

    # 3b: the decoder again with every mask empty (non-negative mask features, mask_embed's last bias at -50):
    # exercises the release's rule that a query whose attention mask blocks everything attends everywhere instead
    pred = model.sem_seg_head.predictor
    hook.remove()
    with torch.no_grad():
        bias = pred.mask_embed.layers[-1].bias
        saved = bias.clone(); bias.fill_(-50.0)
        o = pred([rec[f"pixel.multi_scale.{i}"] for i in range(3)], rec["pixel.mask_features"].abs())
        bias.copy_(saved)
    rec.update({"empty.pred_logits": o["pred_logits"], "empty.pred_masks": o["pred_masks"]})

    # 4: non-dw FocalNet backbone (the variant of the Focal-L config), tiny
    cfg_l = load_cfg(a.xdecoder, "focalt_unicl_lang.yaml", tokenizer, {**TINY, **TINY_NODW})
    from modeling.vision.backbone import build_backbone
    bb = build_backbone(cfg_l); bb.eval()   # (its train() returns None)
    randomize(bb, SEED + 1)
    x = torch.randn((1, 3, 37, 54), generator=g)
    with torch.no_grad(): feats = bb(x)
    rec.update({"nodw.input": x, **{f"nodw.{k}": v for k, v in feats.items()}})

    tensors = {f"out.{k}": v.detach().contiguous() for k, v in rec.items()}
    tensors.update({f"sd.{k}": v.detach().contiguous() for k, v in model.state_dict().items()})
    tensors.update({f"sd_nodw.{k}": v.detach().contiguous() for k, v in bb.state_dict().items()})
    for k, v in tensors.items():
        if v.is_floating_point(): tensors[k] = v.float()
    from safetensors.torch import save_file
    a.out.mkdir(parents=True, exist_ok=True)
    save_file(tensors, str(a.out / "golden.safetensors"))

    # 5: full-size configurations, parameter counts and key tables
    meta = {"seed": SEED, "vocabulary": VOCAB, "names": names, "image_hw": IMAGE_HW, "output_hw": OUTPUT_HW,
            "tiny": TINY, "tiny_nodw": TINY_NODW, "templates": templates,
            "tiny_config": {k: cfg["MODEL"][k] for k in ("DIM_PROJ", "BACKBONE_DIM", "TEXT", "ENCODER", "DECODER")} | {"BACKBONE": cfg["MODEL"]["BACKBONE"]},
            "tiny_nodw_backbone": cfg_l["MODEL"]["BACKBONE"], "vocab_size": lang.tokenizer.vocab_size,
            "reference": {"repo": "microsoft/X-Decoder", "commit": _commit(a.xdecoder)},
            "full": {"focalt": full_size(a.xdecoder, "focalt_unicl_lang.yaml", tokenizer, build_model),
                     "focall": full_size(a.xdecoder, "focall_unicl_lang.yaml", tokenizer, build_model)}}
    (a.out / "golden.json").write_text(json.dumps(meta, indent=1, sort_keys=True, default=str) + "\n")
    for k in ("focalt", "focall"): print(k, meta["full"][k]["n_parameters"], "parameters")
    print("wrote", a.out)


def _commit(repo: Path) -> str:
    import subprocess
    try: return subprocess.check_output(["git", "-C", str(repo), "rev-parse", "HEAD"], text=True).strip()
    except Exception: return "unknown"


if __name__ == "__main__":
    main()
