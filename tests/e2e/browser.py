"""What the browser tests share: a real `streamlit run` on a fixture warehouse, Debian's chromium driven
by Playwright, waiting for a page's own Chinese text, screenshots into test-artifacts/e2e/."""
from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

import pytest

from dashboard import settings

ROOT = settings.ROOT
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
ARTIFACTS = ROOT / "test-artifacts" / "e2e"
TIMEOUT_MS = 120_000  # the machine running the suite may be busy: rendering waits are generous
SEEDS = sorted((ROOT / "tests" / "fixtures" / "seeds").glob("*.txt"))
FORMS = ROOT / "tests" / "fixtures" / "forms"
HOSTILE = "<script>alert(1)</script><img src=x onerror=alert(1)>"


def require_chromium() -> None:
    if not CHROMIUM.exists():
        pytest.skip("没有 /usr/bin/chromium：先运行 make browser（apt-get install chromium fonts-noto-cjk）")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def write_hostile_report(folder: Path) -> Path:
    """Reference report 000 with markup in its project name, its text and its file name."""
    text = SEEDS[0].read_text(encoding="utf-8")
    text = text.replace("机构编制网络管理物理终端升级改造和网络系统运行经费", f"恶意{HOSTILE}测试经费", 1)
    text = text.replace("1.立项背景及目的\n",
                        f"1.立项背景及目的\n说明{HOSTILE}[点我](javascript:alert(1)) ![图](http://x/y.png) **粗体**。\n", 1)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "hostile <img src=x onerror=alert(1)>.txt"
    path.write_text(text, encoding="utf-8")
    return path


def ingest(paths: list[Path], db: Path) -> None:
    """`python -m dashboard ingest` in its own process, as an operator would run it."""
    result = subprocess.run([sys.executable, "-m", "dashboard", "ingest", *map(str, paths), "--db", str(db), "--quiet"],
                            cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stdout + result.stderr


@contextmanager
def streamlit_server(db: Path, upload_dir: Path):
    """A real `streamlit run dashboard/app.py` on a free port; yields its base URL."""
    port = free_port()
    env = {**os.environ, "PERF_WAREHOUSE_PATH": str(db), "PERF_UPLOAD_DIR": str(upload_dir)}
    log = open(upload_dir.parent / f"streamlit-{port}.log", "w")
    process = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "dashboard/app.py", "--server.headless", "true",
         "--server.port", str(port), "--server.address", "127.0.0.1", "--browser.gatherUsageStats", "false",
         "--server.fileWatcherType", "none"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                with urllib.request.urlopen(url + "/_stcore/health", timeout=2) as response:
                    if response.read() == b"ok":
                        break
            except OSError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"streamlit did not start: {(upload_dir.parent / f'streamlit-{port}.log').read_text()}")
            time.sleep(0.3)
        yield url
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=5)
        log.close()


@contextmanager
def chromium_page():
    """One chromium page (tall viewport so a screenshot holds the page); dialogs are recorded and dismissed."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        context = browser.new_context(viewport={"width": 1440, "height": 2400}, accept_downloads=True,
                                      locale="zh-CN")
        context.set_default_timeout(TIMEOUT_MS)
        page = context.new_page()
        page.dialogs = []

        def on_dialog(dialog) -> None:
            page.dialogs.append(dialog.message)
            dialog.dismiss()

        page.on("dialog", on_dialog)
        try:
            yield page
        finally:
            context.close()
            browser.close()


def wait_idle(page) -> None:
    """Until the script run is over (Streamlit shows a status widget while running) and nothing is loading."""
    page.wait_for_function(
        """() => !document.querySelector('[data-testid="stStatusWidget"]')
               && !document.querySelector('[data-testid="stSkeleton"]')""", timeout=TIMEOUT_MS)
    page.wait_for_timeout(400)
    page.wait_for_function(
        """() => !document.querySelector('[data-testid="stStatusWidget"]')
               && !document.querySelector('[data-testid="stSkeleton"]')""", timeout=TIMEOUT_MS)


def route(spec) -> str:
    """A page's address: the default page lives at the root, the others at their url_path."""
    return "" if spec.default else spec.url_path


SIGN_IN_TEXT = "请先登录"


def sign_in(page, name: str = "admin", password: str | None = None) -> None:
    """Fill the sign-in form shown on the current page (the browser keeps the session cookie after it)."""
    from tests.conftest import TEST_PASSWORD

    page.get_by_label("账号").fill(name)
    page.get_by_label("密码").fill(password or TEST_PASSWORD)
    page.get_by_role("button", name="登录").click()


def open_page(page, url: str, heading: str, also: str | None = None, *, account: str = "admin") -> None:
    """Go to a page (signing in as `account` when the browser has no session yet) and wait for its own
    Chinese heading (and one more text of it) and the end of the run."""
    page.goto(url)
    target = page.get_by_role("heading", name=heading, exact=True).first
    target.or_(page.get_by_text(SIGN_IN_TEXT).first).wait_for()
    if not target.is_visible():
        sign_in(page, account)
        page.locator('[data-testid="stSidebar"]').get_by_text("当前账号").first.wait_for()
        page.wait_for_function("() => document.cookie.includes('perf_session=')", timeout=TIMEOUT_MS)
        page.goto(url)  # signed in now (session cookie): the page asked for, not the default one
    target.wait_for()
    if also:
        page.get_by_text(also, exact=True).first.wait_for()
    wait_idle(page)
    assert page.get_by_text("Page not found").count() == 0, f"{url} is not a page of the app"


def screenshot(page, name: str) -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path))
    return path


def not_blank(path: Path) -> bool:
    """The screenshot has more than a background: many distinct colours."""
    from PIL import Image

    with Image.open(path) as image:
        colours = image.convert("RGB").resize((360, 600)).getcolors(maxcolors=1_000_000)
    return colours is not None and len(colours) > 50


def glyphs_render(page, text: str) -> bool:
    """Each distinct Chinese character of the text draws differently in the page's font: missing glyphs
    would all draw the same box (tofu)."""
    return page.evaluate(
        """(text) => {
            const font = getComputedStyle(document.querySelector('h1') || document.body).fontFamily;
            const canvas = document.createElement('canvas');
            canvas.width = 48; canvas.height = 48;
            const ctx = canvas.getContext('2d');
            const seen = new Set();
            for (const ch of new Set([...text])) {
                ctx.clearRect(0, 0, 48, 48);
                ctx.font = `32px ${font}`;
                ctx.fillText(ch, 4, 36);
                const data = ctx.getImageData(0, 0, 48, 48).data;
                let sig = 0;
                for (let i = 3; i < data.length; i += 4) sig = (sig * 31 + data[i]) % 1000000007;
                seen.add(sig);
            }
            return seen.size === new Set([...text]).size;
        }""", text)
