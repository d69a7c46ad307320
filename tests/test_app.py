"""`avss app` as its users meet it: the console script serving the page, called by `gradio_client` and by a real browser.

The server is the installed `avss` script in a subprocess (toy models, a free port). Its answers must equal a direct
`AutoSeg` run in this process. The browser is Debian's headless chromium driven by selenium; outside CI a machine
without it skips that test with the apt command, under CI=true it fails. AVSS_UPDATE_SCREENSHOT=1 writes the page's
screenshot to imgs/app.png (the one the web app chapter shows). AVSS_CHROMIUM / AVSS_CHROMEDRIVER name another browser.
"""
import base64, io, json, os, shutil, signal, socket, subprocess, sys, time, urllib.request
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from avss.app import VOCABULARY_COLUMNS, free_port

AVSS = str(Path(sys.executable).parent / "avss")
ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = os.environ.get("AVSS_CHROMIUM", "/usr/bin/chromium")             # Debian's; another build may be named here
CHROMEDRIVER = os.environ.get("AVSS_CHROMEDRIVER", "/usr/bin/chromedriver")
APT = "sudo apt-get install chromium chromium-driver"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--window-size=1100,1150"]


@pytest.fixture(scope="module")
def tmp(tmp_path_factory):
    return tmp_path_factory.mktemp("app")


@pytest.fixture(scope="module")
def scene(tmp):
    from avss.toyworld import make_scene
    make_scene(3).image.save(tmp / "scene.png")
    return tmp / "scene.png"


@pytest.fixture(scope="module")
def started(tmp):
    "`avss app --models toy` on a free port, starting (not waited for): (process, url, log file)."
    port = free_port()
    env = dict(os.environ, HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1", PYTHONWARNINGS="ignore",
               GRADIO_TEMP_DIR=str(tmp / "gradio"))
    log = open(tmp / "server.log", "w+")
    proc = subprocess.Popen([AVSS, "app", "--models", "toy", "--device", "cpu", "--seed", "0", "--port", str(port)],
                            stdout=log, stderr=subprocess.STDOUT, env=env, start_new_session=True)
    try: yield proc, f"http://127.0.0.1:{port}/", log
    finally:
        if proc.poll() is None:
            proc.terminate()
            try: proc.wait(timeout=30)
            except subprocess.TimeoutExpired: os.killpg(proc.pid, signal.SIGKILL); proc.wait()
        log.close()


@pytest.fixture(scope="module")
def ref(scene):
    "A direct AutoSeg run on the scene with the server's models and seed (computed while the server starts)."
    from avss.pipeline import AutoSeg
    return AutoSeg.from_pretrained("toy", "clipseg", device="cpu", seed=0)(Image.open(scene))


def _log(log) -> str:
    log.flush(); log.seek(0); return log.read()


@pytest.fixture(scope="module")
def busy():
    "`avss app` asked for a port that something listens on (started early: it runs while the server starts)."
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0)); s.listen()
        port = s.getsockname()[1]
        proc = subprocess.Popen([AVSS, "app", "--models", "toy", "--port", str(port)], stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True)
        try: yield proc, port
        finally:
            if proc.poll() is None: proc.kill()
            proc.communicate()


@pytest.fixture(scope="module")
def server(started, busy, ref):
    "The url of the running server, once its page answers."
    proc, url, log = started
    deadline = time.monotonic() + 180
    while f"avss app: toy models at {url}" not in _log(log):     # printed once it serves
        assert proc.poll() is None, f"avss app exited with {proc.returncode}:\n{_log(log)}"
        assert time.monotonic() < deadline, f"avss app did not start within 180 s:\n{_log(log)}"
        time.sleep(0.5)
    with urllib.request.urlopen(url, timeout=30) as r: assert r.status == 200
    return url


def _expected_overlay(ref) -> np.ndarray:
    from avss.pipeline import overlay
    return np.asarray(overlay(ref.image, ref.label_map, names=ref.vocabulary))


def test_client_segment(server, scene, ref, tmp):
    from gradio_client import Client, handle_file
    client = Client(server, verbose=False, download_files=str(tmp / "client"))
    shown, table, files = client.predict(handle_file(str(scene)), api_name="/segment")
    assert ref.vocabulary, "the toy models name the toy scene"
    assert np.array_equal(np.asarray(Image.open(shown).convert("RGB")), _expected_overlay(ref))
    assert table["headers"] == VOCABULARY_COLUMNS
    assert [row[0] for row in table["data"]] == ref.vocabulary
    byname = {Path(f).name: Path(f) for f in files}
    assert sorted(byname) == sorted(["scene.png.png", "scene.png.json", "scene.png_overlay.png", "annotations.json", "classes.json"])
    info = json.loads(byname["scene.png.json"].read_text())
    assert info["vocabulary"] == ref.vocabulary and info["pixel_share"] == ref.pixel_share()
    assert info["captions"] == {str(k): v for k, v in ref.captions.items()}
    assert np.array_equal(np.asarray(Image.open(byname["scene.png.png"])), ref.label_map)
    assert np.array_equal(np.asarray(Image.open(byname["scene.png_overlay.png"]).convert("RGB")), _expected_overlay(ref))


def test_client_bad_upload(server, tmp):
    from gradio_client import Client, handle_file
    (tmp / "notes.png").write_text("not an image at all\n")
    with pytest.raises(Exception) as e:
        Client(server, verbose=False, download_files=str(tmp / "client")).predict(handle_file(str(tmp / "notes.png")), api_name="/segment")
    assert "notes.png: not an image" in str(e.value) and "gradio" not in str(e.value), str(e.value)


@pytest.fixture(scope="module")
def chromium():
    "Debian's chromium and chromedriver: skipped without them outside CI (with the command that installs them), failed in CI."
    if not (os.path.exists(CHROMIUM) and os.path.exists(CHROMEDRIVER)):
        msg = f"no headless browser ({CHROMIUM}, {CHROMEDRIVER}); install it with: {APT}"
        if os.environ.get("CI") == "true": pytest.fail(msg)
        pytest.skip(msg)


def _browser(profile: Path):
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    opts = webdriver.ChromeOptions()
    opts.binary_location = CHROMIUM
    for f in FLAGS + [f"--user-data-dir={profile}"]: opts.add_argument(f)
    opts.set_capability("goog:loggingPrefs", {"performance": "ALL"})
    return webdriver.Chrome(service=Service(CHROMEDRIVER), options=opts)


def _requested(driver) -> list[str]:
    "Every URL the page asked for so far (from chromium's network log)."
    urls = []
    for entry in driver.get_log("performance"):
        msg = json.loads(entry["message"])["message"]
        if msg["method"] == "Network.requestWillBeSent": urls.append(msg["params"]["request"]["url"])
    return urls


def _shown_pixels(driver) -> np.ndarray:
    "The RGB pixels of the overlay image as the page holds it (drawn into a canvas and read back)."
    url = driver.execute_script("const i = document.querySelector('#overlay img'), c = document.createElement('canvas');"
                                "c.width = i.naturalWidth; c.height = i.naturalHeight; c.getContext('2d').drawImage(i, 0, 0);"
                                "return c.toDataURL('image/png')")
    return np.asarray(Image.open(io.BytesIO(base64.b64decode(url.split(",", 1)[1]))).convert("RGB"))


def test_browser_upload(chromium, server, scene, ref, tmp):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait
    driver = _browser(tmp / "profile")
    try:
        driver.get(server)
        upload = WebDriverWait(driver, 60).until(lambda d: d.find_element(By.CSS_SELECTOR, "#upload input[type=file]"))
        upload.send_keys(str(scene))
        size = lambda d: d.execute_script("const i = document.querySelector('#overlay img');"
                                          "return i && i.complete && i.naturalWidth ? [i.naturalWidth, i.naturalHeight] : null")
        WebDriverWait(driver, 120).until(lambda d: size(d) and ref.vocabulary[0] in d.find_element(By.ID, "vocabulary").text)
        assert tuple(size(driver)) == ref.image.size
        assert np.array_equal(_shown_pixels(driver), _expected_overlay(ref)), "the page shows another image than the overlay"
        table = driver.find_element(By.ID, "vocabulary").text
        assert all(name in table for name in ref.vocabulary), table
        downloads = driver.find_element(By.ID, "downloads").text.replace("\n", "")   # names are split into stem and suffix
        assert all(f in downloads for f in ("scene.png.png", "scene.png_overlay.png", "scene.png.json", "annotations.json")), downloads
        driver.save_screenshot(str(tmp / "app.png"))
        if os.environ.get("AVSS_UPDATE_SCREENSHOT") == "1": shutil.copy(tmp / "app.png", ROOT / "imgs" / "app.png")
        local = server.replace("http://", "ws://")
        outside = [u for u in _requested(driver) if u.startswith(("http:", "https:", "ws:", "wss:")) and not u.startswith((server, local))]
        assert not outside, f"the page asked other hosts: {outside}"
    finally:
        driver.quit()


def test_port_in_use(busy):
    "A port in use: one line, exit 2, before any model is loaded."
    proc, port = busy
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == 2 and err.count("\n") == 1 and f"cannot listen on 127.0.0.1:{port}" in err, err


def test_sigterm_stops_cleanly(server, started):
    proc, _, log = started
    proc.terminate()
    assert proc.wait(timeout=30) == 0, _log(log)
    assert "Traceback" not in _log(log), _log(log)
