#!/usr/bin/env python3
"""Drives FrameScout's HTML pages in headless Chromium (the system's, through Playwright)
with real mouse and keyboard events, and prints what the page then shows as one JSON
object. The XCTest cases in Tests/framescoutTests/BrowserTests.swift run it and assert on
that JSON; this script only acts and measures.

  browser_check.py pick PAGE.html [--rect X0,Y0,X1,Y1] [--polygon X,Y;X,Y;...] [--steps JSON] [--download DIR] [--zoom N] [--screenshot PNG]
      Opens PAGE from its file:// URL, drags the rectangle (or clicks the polygon's points
      and double-clicks the last one) at the on-screen place of those source-pixel
      coordinates, and prints #options, the display scale, the regions file downloaded into
      DIR, every request the page made that was not file:, data: or blob:, and CSP reports.
  browser_check.py report REPORT.html [--screenshot PNG]
      Opens the report from its file:// URL, plays its first <video> (muted) and prints
      each video's readyState, duration and currentTime once playing, and the before/after
      pictures found (their natural sizes).

Environment: CHROMIUM (default: chromium on PATH, else /usr/bin/chromium).
"""
import argparse
import json
import os
import pathlib
import shutil
import sys

from playwright.sync_api import sync_playwright


def chromium_path():
    return os.environ.get("CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser") or "/usr/bin/chromium"


def open_page(p, path, viewport):
    browser = p.chromium.launch(executable_path=chromium_path(), args=["--no-sandbox", "--autoplay-policy=no-user-gesture-required"])
    context = browser.new_context(viewport=viewport, accept_downloads=True)
    page = context.new_page()
    seen = {"requests": [], "csp": [], "errors": []}
    page.on("request", lambda r: None if r.url.split(":", 1)[0] in ("file", "data", "blob") else seen["requests"].append(r.url))
    page.on("console", lambda m: seen["csp"].append(m.text) if "Content Security Policy" in m.text else None)
    page.on("pageerror", lambda e: seen["errors"].append(str(e)))
    url = pathlib.Path(path).resolve().as_uri()
    page.goto(url)
    return browser, page, seen, url


def to_screen(page, x, y):
    """Source pixel (x, y) on screen: where the picture is drawn (the <img>'s box, not the
    overlay's, so the overlay's mapping is what the test checks) and the frame's storage size."""
    box = page.eval_on_selector("#frame", "i => { const r = i.getBoundingClientRect(), s = document.getElementById('stage'); "
                                "return [r.left, r.top, r.width, r.height, +s.dataset.width, +s.dataset.height]; }")
    left, top, width, height, w, h = box
    return left + x / w * width, top + y / h * height


def scroll_to(page, x, y):
    """Scrolls the (zoomed) view so that source pixel (x, y) is in its middle, as a user would."""
    sx, sy = to_screen(page, x, y)
    page.eval_on_selector("#view", "(v, p) => { const r = v.getBoundingClientRect(); "
                          "v.scrollBy(p[0] - (r.left + r.width / 2), p[1] - (r.top + r.height / 2)); }", [sx, sy])


def drag(page, x0, y0, x1, y1):
    page.mouse.move(*to_screen(page, x0, y0))
    page.mouse.down()
    for k in range(1, 9):     # several moves, as a hand drags
        page.mouse.move(*to_screen(page, x0 + (x1 - x0) * k / 8, y0 + (y1 - y0) * k / 8))
    page.mouse.up()


def run_steps(page, steps):
    """Each step one action (source-pixel coordinates), then #options as it reads after it:
    {"drag": [x0, y0, x1, y1]}, {"click": [x, y]}, {"press": KEY}, {"button": SELECTOR},
    {"check": SELECTOR} (a radio button); any step may add "wait": SELECTOR, an element
    whose text to wait for."""
    seen = []
    for step in steps:
        if "drag" in step:
            drag(page, *step["drag"])
        elif "click" in step:
            page.mouse.click(*to_screen(page, *step["click"]))
        elif "press" in step:
            page.keyboard.press(step["press"])
        elif "button" in step:
            page.click(step["button"])
        elif "check" in step:
            page.check(step["check"])
        if "wait" in step:     # until that element shows text (a copy answers asynchronously)
            page.wait_for_function("s => document.querySelector(s).textContent.trim() !== ''", arg=step["wait"], timeout=5000)
        seen.append({"options": page.inner_text("#options"), "note": page.inner_text("#note")})
    return seen


def pick(args):
    result = {}
    with sync_playwright() as p:
        browser, page, seen, url = open_page(p, args.page, {"width": args.width, "height": args.height})
        for _ in range(args.zoom):
            page.click("#zoom-in")
        if args.rect:
            x0, y0, x1, y1 = [float(v) for v in args.rect.split(",")]
            scroll_to(page, (x0 + x1) / 2, (y0 + y1) / 2)
            drag(page, x0, y0, x1, y1)
        if args.polygon:
            page.check("input[name=tool][value=poly]")
            points = [[float(v) for v in pt.split(",")] for pt in args.polygon.split(";")]
            for x, y in points[:-1]:
                page.mouse.click(*to_screen(page, x, y))
            page.mouse.dblclick(*to_screen(page, *points[-1]))
        if args.steps:
            result["steps"] = run_steps(page, json.loads(args.steps))
        result["coords"] = page.inner_text("#coords")
        result["options"] = page.inner_text("#options")
        result["scale"] = page.eval_on_selector("#frame", "i => { const s = document.getElementById('stage'); "
                                                "return [i.getBoundingClientRect().width / +s.dataset.width, "
                                                "i.getBoundingClientRect().height / +s.dataset.height]; }")
        if args.download:
            with page.expect_download() as d:
                page.click("#download")
            target = os.path.join(args.download, d.value.suggested_filename)
            d.value.save_as(target)
            result["regions_file"] = target
        if args.screenshot:
            page.screenshot(path=args.screenshot)
        result.update(seen)
        result["url"] = url
        browser.close()
    return result


def report(args):
    result = {}
    with sync_playwright() as p:
        browser, page, seen, url = open_page(p, args.page, {"width": args.width, "height": args.height})
        videos = page.query_selector_all("video")
        result["videos"] = len(videos)
        if videos:
            page.eval_on_selector("video", "v => { v.muted = true; return v.play(); }")
            page.wait_for_function("() => { const v = document.querySelector('video'); "
                                   "return v.readyState >= 2 && v.currentTime > 0; }", timeout=20000)
            result["played"] = page.eval_on_selector("video", "v => ({readyState: v.readyState, duration: v.duration, "
                                                     "currentTime: v.currentTime, src: v.getAttribute('src')})")
        result["pictures"] = page.eval_on_selector_all(
            "figure.before img, figure.after img, figure.peak img",
            "imgs => imgs.map(i => ({role: i.closest('figure').className, width: i.naturalWidth, height: i.naturalHeight}))")
        result["downloads"] = page.eval_on_selector_all("figure.clip a.download", "as => as.map(a => a.getAttribute('href'))")
        if args.screenshot:
            page.eval_on_selector_all(".thumbs", "t => t.length && t[0].closest('section').scrollIntoView()")
            page.wait_for_timeout(1500)     # a moment of playing
            page.screenshot(path=args.screenshot, full_page=False)
        result.update(seen)
        result["url"] = url
        browser.close()
    return result


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="command", required=True)
    a = sub.add_parser("pick")
    a.add_argument("page")
    a.add_argument("--rect")
    a.add_argument("--polygon")
    a.add_argument("--download")
    a.add_argument("--zoom", type=int, default=0)
    a.add_argument("--steps", help="a JSON list of actions (see run_steps)")
    a.add_argument("--screenshot")
    b = sub.add_parser("report")
    b.add_argument("page")
    b.add_argument("--screenshot")
    for parser, size in ((a, (1100, 800)), (b, (1000, 900))):
        parser.add_argument("--width", type=int, default=size[0], help="viewport width")
        parser.add_argument("--height", type=int, default=size[1], help="viewport height")
    args = ap.parse_args()
    print(json.dumps(pick(args) if args.command == "pick" else report(args)))


if __name__ == "__main__":
    sys.exit(main())
