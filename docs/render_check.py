#!/usr/bin/env python3
"""The documentation's render check: headless Chromium loads the site's pages from a local file server (every
page written for the site; the API reference's index and every eighth of its Doxygen pages, the others' links
and images read from their HTML) and the check fails on a console error (an exception, console.error, a failed or 404 resource load), a missing
image, or a broken internal link (a page or an anchor that does not exist); it saves a screenshot of the
home page.

Usage: render_check.py SITE_DIR SCREENSHOT.png    (Debian's chromium and python3-websocket)
Speaks the Chrome DevTools Protocol to one headless page; prints a summary and every problem found.
"""

import base64
import functools
import html
import http.server
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request
from pathlib import Path

import websocket

BROWSERS = ("chromium", "chromium-browser", "google-chrome")


class Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


class Page:
    """One Chrome DevTools Protocol session on a page target."""

    def __init__(self, ws_url):
        self.ws = websocket.create_connection(ws_url, timeout=30, suppress_origin=True)
        self.next_id = 0
        self.events = []

    def call(self, method, **params):
        self.next_id += 1
        my_id = self.next_id
        self.ws.send(json.dumps({"id": my_id, "method": method, "params": params}))
        while True:
            msg = json.loads(self.ws.recv())
            if msg.get("id") == my_id:
                if "error" in msg:
                    raise RuntimeError(f"{method}: {msg['error']}")
                return msg.get("result", {})
            if "method" in msg:
                self.events.append(msg)

    def wait_for(self, event, seconds=30):
        deadline = time.time() + seconds
        while time.time() < deadline:
            for i, e in enumerate(self.events):
                if e["method"] == event:
                    del self.events[i]
                    return e
            self.ws.settimeout(max(0.1, deadline - time.time()))
            try:
                self.events.append(json.loads(self.ws.recv()))
            except websocket.WebSocketTimeoutException:
                break
            finally:
                self.ws.settimeout(30)
        raise TimeoutError(event)

    def drain(self, seconds):
        """Collects the events that arrive within `seconds` (late console messages, resource failures)."""
        deadline = time.time() + seconds
        while True:
            left = deadline - time.time()
            if left <= 0:
                return
            self.ws.settimeout(left)
            try:
                self.events.append(json.loads(self.ws.recv()))
            except websocket.WebSocketTimeoutException:
                return
            finally:
                self.ws.settimeout(30)


def problems_in(events, page):
    out = []
    for e in events:
        m, p = e["method"], e.get("params", {})
        if m == "Runtime.exceptionThrown":
            out.append(f"{page}: exception: {p['exceptionDetails'].get('text')} "
                       f"{p['exceptionDetails'].get('exception', {}).get('description', '')}")
        elif m == "Runtime.consoleAPICalled" and p.get("type") in ("error", "assert"):
            out.append(f"{page}: console.{p['type']}: " + " ".join(str(a.get("value", a.get("description"))) for a in p["args"]))
        elif m == "Log.entryAdded" and p["entry"].get("level") == "error":
            out.append(f"{page}: console error: {p['entry'].get('text')} {p['entry'].get('url', '')}")
        elif m == "Network.loadingFailed" and not p.get("canceled"):
            out.append(f"{page}: failed to load a resource: {p.get('errorText')}")
        elif m == "Network.responseReceived" and p["response"]["status"] >= 400:
            out.append(f"{page}: {p['response']['status']} for {p['response']['url']}")
    return out


def rendered(pages):
    """The pages loaded in the browser: every page written for the site, and of Doxygen's API pages (one
    template and the same scripts on each: about 250 pages, two thirds of the check's time when all were
    loaded) the index and every eighth. The others' links and images are checked from their HTML."""
    api = [p for p in pages if p.startswith("api/")]
    return {p for p in pages if not p.startswith("api/")} | {p for p in api if p == "api/index.html"} | set(api[::8])


def static_refs(site, rel, base):
    """A page's links and images read from its HTML (resolved as the browser resolves them): an image is
    shown when its file exists."""
    text = (site / rel).read_text(errors="replace")
    page_url = base + rel

    def resolve(ref):
        return urllib.parse.urljoin(page_url, html.unescape(ref))
    links = [resolve(h) for h in re.findall(r'<a\b[^>]*?\bhref="([^"]*)"', text)]
    images = []
    for src in re.findall(r'<img\b[^>]*?\bsrc="([^"]*)"', text):
        url = resolve(src)
        local = url.startswith(base) and (site / urllib.parse.unquote(urllib.parse.urlsplit(url).path[1:])).is_file()
        images.append([url, local or not url.startswith(base)])
    return {"images": images, "links": links}


def main():
    site, shot = Path(sys.argv[1]).resolve(), Path(sys.argv[2]).resolve()
    browser = next((shutil.which(b) for b in BROWSERS if shutil.which(b)), None)
    if browser is None:
        sys.exit("render_check: no chromium found (Debian's chromium)")
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(site)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}/"
    pages = sorted(p.relative_to(site).as_posix() for p in site.rglob("*.html"))

    profile = tempfile.mkdtemp(prefix="shannon-render-")
    proc = subprocess.Popen([browser, "--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run",
                             "--disable-extensions", "--disable-dev-shm-usage", "--remote-debugging-port=0", f"--user-data-dir={profile}",
                             "--window-size=1200,900", "about:blank"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    problems = []
    links_checked = images = 0
    try:
        port_file = Path(profile) / "DevToolsActivePort"
        for _ in range(300):
            if port_file.exists() and port_file.read_text().strip():
                break
            time.sleep(0.1)
        port = port_file.read_text().split()[0]
        targets = json.loads(urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list", timeout=10).read())
        page = Page(next(t for t in targets if t["type"] == "page")["webSocketDebuggerUrl"])
        for domain in ("Page", "Runtime", "Log", "Network"):
            page.call(f"{domain}.enable")
        anchors = {}

        def ids_of(path):
            if path not in anchors:
                text = (site / path).read_text(errors="replace") if (site / path).is_file() else ""
                anchors[path] = set(re.findall(r'\b(?:id|name)="([^"]+)"', text))
            return anchors[path]

        loaded = rendered(pages)
        for rel in pages:
            if rel in loaded:
                page.events.clear()
                page.call("Page.navigate", url=base + rel)
                page.wait_for("Page.loadEventFired")
                page.drain(0.05)  # late console messages and failed requests; a static page has loaded by now
                problems += problems_in(page.events, rel)
                result = page.call("Runtime.evaluate", returnByValue=True, expression="""({
                    images: Array.from(document.images).map(i => [i.src, i.complete && i.naturalWidth > 0]),
                    links: Array.from(document.querySelectorAll('a[href]')).map(a => a.href)})""")["result"]["value"]
            else:
                result = static_refs(site, rel, base)
            for src, ok in result["images"]:
                images += 1
                if not ok:
                    problems.append(f"{rel}: image not shown: {src}")
            for href in result["links"]:
                if not href.startswith(base):
                    continue  # external links are not checked (the site must not need the network)
                links_checked += 1
                url = urllib.parse.urlsplit(href)
                target = urllib.parse.unquote(url.path[1:]) or "index.html"
                if (site / target).is_dir():
                    target = target.rstrip("/") + "/index.html"
                if not (site / target).is_file():
                    problems.append(f"{rel}: broken link to {target}")
                elif url.fragment and target.endswith(".html") and url.fragment not in ids_of(target):
                    problems.append(f"{rel}: broken link to {target}#{url.fragment} (no such anchor)")
        page.call("Page.navigate", url=base + "index.html")
        page.wait_for("Page.loadEventFired")
        page.drain(0.3)
        data = page.call("Page.captureScreenshot", format="png", captureBeyondViewport=True)["data"]
        shot.write_bytes(base64.b64decode(data))
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
        shutil.rmtree(profile, ignore_errors=True)
        server.shutdown()

    print(f"render_check: {len(pages)} pages checked, {len(loaded)} loaded in {os.path.basename(browser)}, {images} images, "
          f"{links_checked} internal links checked; screenshot of the home page: {shot}")
    for p in problems:
        print("  " + p)
    print(f"render_check: {len(problems)} problems")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
