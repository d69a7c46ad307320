"""`make test` refuses a library edited by hand: tools/check-sync on a scratch copy of the repository."""
import shutil, subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _copy(tmp: Path) -> Path:
    for name in ("settings.ini", "nbs", "avss", "tools"):
        src = ROOT / name
        (shutil.copytree if src.is_dir() else shutil.copy)(src, tmp / name)
    (tmp / ".venv").symlink_to(ROOT / ".venv")
    return tmp


def test_in_sync_copy_passes(tmp_path):
    repo = _copy(tmp_path)
    r = subprocess.run([str(repo / "tools" / "check-sync"), str(repo)], capture_output=True, text=True)
    assert r.returncode == 0, r.stdout + r.stderr


def test_hand_edit_fails(tmp_path):
    repo = _copy(tmp_path)
    with open(repo / "avss" / "core.py", "a") as f: f.write("\n# edited by hand\n")
    r = subprocess.run([str(repo / "tools" / "check-sync"), str(repo)], capture_output=True, text=True)
    assert r.returncode == 1 and "core.py" in r.stdout + r.stderr
