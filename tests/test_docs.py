"""The docs site: `make docs` (its recipe, into a temporary folder), then the pages opened in a headless chromium."""
import os, re, subprocess
from pathlib import Path

import pytest

from avss.docs import chapters

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM, DRIVER = Path("/usr/bin/chromium"), Path("/usr/bin/chromedriver")
APT = "sudo apt-get install chromium chromium-driver"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync"]


def _missing(what: str):
    "Outside CI a missing browser skips with the command that installs it; in CI it fails."
    msg = f"{what}; install it with: {APT}"
    if os.environ.get("CI", "").strip().lower() in ("1", "true", "yes"): pytest.fail(msg)
    pytest.skip(msg)


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("docs") / "site"
    # the recipe of `make docs` itself; -o install: the venv running this test is taken as installed
    r = subprocess.run(["make", "--no-print-directory", "-o", "install", "docs", f"DOCS_DIR={out}"], cwd=ROOT,
                       capture_output=True, text=True, timeout=600)
    assert r.returncode == 0, r.stdout + r.stderr
    return out


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    if not (CHROMIUM.exists() and DRIVER.exists()): _missing(f"headless chromium is missing ({CHROMIUM}, {DRIVER})")
    try:
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service
    except ImportError: _missing("selenium is missing (pip install selenium)")
    opts = webdriver.ChromeOptions()
    opts.binary_location = str(CHROMIUM)
    for a in FLAGS + [f"--user-data-dir={tmp_path_factory.mktemp('chromium')}"]: opts.add_argument(a)
    driver = webdriver.Chrome(service=Service(str(DRIVER)), options=opts)
    driver.set_page_load_timeout(60)
    yield driver
    driver.quit()


def test_a_page_per_chapter_and_module(site):
    names = [p.stem for p in chapters(ROOT / "nbs")]
    assert names[0] == "index" and "05_denoise" in names
    missing = [n for n in names if not (site / f"{n}.html").is_file()]
    assert not missing, missing
    api = (site / "api" / "avss.denoise.html").read_text(encoding="utf-8")
    text = re.sub(r"<[^>]+>", "", api)                                  # the signature, without the highlighting's tags
    assert "majority_filter(labels: torch.Tensor" in text and 'href="../05_denoise.html"' in api


def test_pages_load_nothing_remote(site):
    for page in ("index.html", "05_denoise.html", "api/avss.denoise.html"):
        html = (site / page).read_text(encoding="utf-8")
        remote = re.findall(r'<script[^>]*\ssrc="(https?:[^"]*)"', html) + \
                 re.findall(r'<link[^>]*rel="stylesheet"[^>]*href="(https?:[^"]*)"', html)
        assert not remote, (page, remote)
        assert "fonts.googleapis" not in html, page


def test_index_and_chapter_render(site, browser):
    browser.get((site / "index.html").as_uri())
    assert "Two commands" in browser.find_element("tag name", "body").text
    # the navigation: home first, then every chapter in chapter order
    hrefs = browser.execute_script(
        "return [...document.querySelectorAll('nav.md-nav--primary a.md-nav__link')].map(a => a.getAttribute('href'))")
    pages = [h for h in hrefs if h and re.fullmatch(r"(index|\d\d[a-z]?_\w+)\.html", h)]
    pages = [h for i, h in enumerate(pages) if h not in pages[:i]]
    expected = ["index.html"] + sorted(f"{p.stem}.html" for p in (ROOT / "nbs").glob("[0-9][0-9]*.ipynb"))  # 00_ < 00a_ < 01_
    assert pages == expected, pages
    label = browser.execute_script(
        "return document.querySelector('nav.md-nav--primary a.md-nav__link[href=\"05_denoise.html\"]').textContent.trim()")
    assert label == "05 Denoise", label
    loaded = "return [...document.images].filter(i => i.complete && i.naturalWidth > 0).map(i => i.getAttribute('src'))"
    assert any(s.endswith("imgs/pipeline.png") for s in browser.execute_script(loaded))

    browser.get((site / "05_denoise.html").as_uri())
    text = browser.find_element("tag name", "body").text
    assert "Denoise" in text and "majority filter" in text
    assert "#| export" not in text                                    # nbdev's directives are not on the page
    figures = [s for s in browser.execute_script(loaded) if s.startswith("data:image/png")]
    assert figures, "no figure of chapter 05 loaded"
