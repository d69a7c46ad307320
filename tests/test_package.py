"""The installable package: the wheel `pip wheel` builds, what it requires, what it ships, and a cheap `import avss`."""
import configparser, hashlib, shutil, subprocess, sys, zipfile
from email.parser import Parser
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[1]
EXTRAS = {"crf": {"pydensecrf2"}, "notebooks": {"jupyterlab", "ipywidgets", "matplotlib"}, "app": {"gradio"},
          "export": {"pycocotools"}}
NOT_CORE = {"jupyterlab", "ipywidgets", "matplotlib", "gradio", "gradio-client", "pycocotools", "pydensecrf2", "nbdev",
            "pytest", "nbval", "selenium", "mkdocs", "mkdocs-material", "mkdocs-jupyter"}


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    # from a copy: a stale build/ or *.egg-info in the checkout must not leak files into (or hide them from) the wheel
    src = shutil.copytree(ROOT, out / "src", ignore=shutil.ignore_patterns(
        ".git", ".venv", "build", "dist", "*.egg-info", "_docs", "_proc", "__pycache__", "out", "demo_out", "bench_out"))
    r = subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "--no-build-isolation", "-w", str(out), str(src)],
                       capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr
    (found,) = out.glob("*.whl")
    return found


@pytest.fixture(scope="module")
def metadata(wheel):
    with zipfile.ZipFile(wheel) as z:
        name = next(n for n in z.namelist() if n.endswith(".dist-info/METADATA"))
        return Parser().parsestr(z.read(name).decode())


def test_requirements(metadata):
    reqs = [Requirement(r) for r in metadata.get_all("Requires-Dist")]
    core = {canonicalize_name(r.name): r for r in reqs if r.marker is None}
    assert metadata["Name"] == "avss-autoseg"
    assert not [r for r in reqs if r.name == "torch" and any(s.operator in ("==", "===") for s in r.specifier)]
    assert any(s.operator == ">=" for s in core["torch"].specifier), core["torch"]
    assert not NOT_CORE & set(core), NOT_CORE & set(core)
    assert {"transformers", "huggingface-hub", "safetensors", "spacy", "imgviz"} <= set(core)
    provided = set(metadata.get_all("Provides-Extra"))
    assert set(EXTRAS) | {"dev"} <= provided, provided
    for extra, names in EXTRAS.items():
        got = {canonicalize_name(r.name) for r in reqs if r.marker is not None and r.marker.evaluate({"extra": extra})}
        assert names <= got, (extra, got)
    dev = {canonicalize_name(r.name) for r in reqs if r.marker is not None and r.marker.evaluate({"extra": "dev"})}
    assert set().union(*EXTRAS.values()) | {"nbdev", "pytest", "nbval", "selenium", "mkdocs-jupyter"} <= dev, dev


def test_wheel_ships_runtime_data(wheel):
    with zipfile.ZipFile(wheel) as z:
        shipped = {n: hashlib.sha256(z.read(n)).hexdigest() for n in z.namelist()}
    data = [p for p in (ROOT / "avss" / "assets").rglob("*") if p.is_file() and "__pycache__" not in p.parts]
    assert any(p.name == "model.safetensors" for p in data)
    for p in data + sorted((ROOT / "avss").glob("*.py")):
        rel = p.relative_to(ROOT).as_posix()
        assert shipped.get(rel) == hashlib.sha256(p.read_bytes()).hexdigest(), f"{rel} missing or different in the wheel"
    with zipfile.ZipFile(wheel) as z:
        entry = z.read(next(n for n in z.namelist() if n.endswith("entry_points.txt"))).decode()
    assert "avss = avss.cli:main" in entry


def test_venv_recipe_covers_the_package():
    "requirements.txt (the .venv recipe) holds every requirement of the package and its extras; torch is pinned only there."
    s = configparser.ConfigParser(delimiters=["="]); s.read(ROOT / "settings.ini")
    d = s["DEFAULT"]
    declared = " ".join(d[k] for k in d if k.endswith("requirements")).split()
    recipe = [Requirement(l) for l in (ROOT / "requirements.txt").read_text().splitlines() if l.strip() and not l.startswith("#")]
    names = {canonicalize_name(r.name): r for r in recipe}
    missing = [r for r in declared if canonicalize_name(Requirement(r).name) not in names]
    assert not missing, f"in settings.ini but not requirements.txt: {missing}"
    assert str(names["torch"].specifier) == "==2.13.0" and "torch==2.13.0" in (ROOT / "Makefile").read_text()
    assert "torch==" not in d["requirements"]


def test_import_avss_is_light():
    code = ("import sys, avss\n"
            "assert avss.AutoSeg is __import__('avss.pipeline').pipeline.AutoSeg\n"
            "for n in avss.__all__: getattr(avss, n)\n"
            "print(sorted(m for m in ('matplotlib', 'ipywidgets', 'IPython', 'gradio', 'nbdev', 'jupyterlab', 'pycocotools',\n"
            "                        'pydensecrf', 'mkdocs', 'selenium') if m in sys.modules))")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, cwd=ROOT)
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == "[]", r.stdout
