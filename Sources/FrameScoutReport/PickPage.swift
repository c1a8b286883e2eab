import FrameScoutCore
import Foundation

/// `framescout pick`'s page: one self-contained HTML file (the frame a data: URI JPEG, the
/// script and style inline under a Content-Security-Policy that allows nothing else, so it
/// makes no request and works from file://) on which an investigator draws the regions
/// of `scan`/`watch` and reads or downloads them as options. Every coordinate the page
/// states is in the frame's storage pixels (what `--roi` means), whatever the display scale
/// or the sample aspect ratio: the picture is shown at its display aspect, and the overlay's
/// coordinate system is the storage grid stretched over it (`viewBox` = width × height).
public enum PickPage {
  /// One frame shown on the page: the JPEG (at display aspect), its number and timecode.
  public struct Frame: Sendable {
    public var jpeg: [UInt8]
    public var number: Int
    public var timecode: String
    public init(jpeg: [UInt8], number: Int, timecode: String) {
      self.jpeg = jpeg
      self.number = number
      self.timecode = timecode
    }
  }

  /// What the page shows: the file, its storage size, the sample aspect ratio, the frame to
  /// draw on and a strip of other frames (each can be drawn on instead).
  public struct Content: Sendable {
    public var file: String
    public var width: Int
    public var height: Int
    public var sampleAspect: Double
    public var frame: Frame
    public var strip: [Frame]
    public init(file: String, width: Int, height: Int, sampleAspect: Double, frame: Frame, strip: [Frame]) {
      self.file = file
      self.width = width
      self.height = height
      self.sampleAspect = sampleAspect
      self.frame = frame
      self.strip = strip
    }
  }

  /// The page. `sha256Base64(text)` is the base64 SHA-256 of a text (the CSP names the
  /// inline script and style by their hashes; this target has no digest of its own).
  public static func render(_ c: Content, sha256Base64: (String) -> String) -> String {
    let e = HTMLReport.escape
    let csp = "default-src 'none'; img-src data:; script-src 'sha256-\(sha256Base64(script))'; "
      + "style-src 'sha256-\(sha256Base64(style))'; base-uri 'none'; form-action 'none'"
    let name = (c.file as NSString).lastPathComponent
    var h = """
      <!DOCTYPE html>
      <html lang="en"><head><meta charset="utf-8">
      <meta http-equiv="Content-Security-Policy" content="\(csp)">
      <meta name="viewport" content="width=device-width, initial-scale=1">
      <title>FrameScout pick: \(e(name))</title>
      <style>\(style)</style></head><body>
      <header><b class="mono">\(e(c.file))</b> <span id="shown">frame #\(c.frame.number) at \(e(c.frame.timecode))</span>,
      \(c.width)×\(c.height) source pixels\(c.sampleAspect == 1 ? "" : String(format: " (sample aspect %.4g: shown at display aspect, coordinates in source pixels)", c.sampleAspect))</header>
      <div id="toolbar">
      <label title="drag a rectangle"><input type="radio" name="tool" value="rect" checked> rectangle</label>
      <label title="click points; double-click or Enter closes, Escape abandons"><input type="radio" name="tool" value="poly"> polygon</label>
      <span class="sep"></span>
      <label><input type="radio" name="mode" value="include" checked> include (--roi)</label>
      <label><input type="radio" name="mode" value="exclude"> exclude (--exclude)</label>
      <span class="sep"></span>
      <button id="zoom-out" type="button" title="zoom out (-)">−</button><span id="zoom">fit</span><button id="zoom-in" type="button" title="zoom in (+)">+</button>
      <button id="zoom-fit" type="button">fit</button>
      <span class="sep"></span>
      <button id="toggle" type="button" disabled>include ⇄ exclude</button><button id="delete" type="button" disabled>delete (Del)</button>
      <span id="coords" class="mono">x –, y –</span>
      </div>
      <p id="help">Drag a rectangle (also inside another shape), or click a polygon's points (double-click or Enter closes it; Shift+click
      starts one on a shape). Click a shape to select it: drag it to move it, its corners to reshape it; Del deletes it. Zoom with + and −
      (or Ctrl+wheel). Coordinates are source pixels.</p>
      <div id="view"><div id="stage" data-width="\(c.width)" data-height="\(c.height)" data-sar="\(c.sampleAspect)" data-file="\(e(c.file))" data-frame="\(c.frame.number)">
      <img id="frame" alt="frame #\(c.frame.number)" draggable="false" src="data:image/jpeg;base64,\(Data(c.frame.jpeg).base64EncodedString())">
      <svg id="overlay" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 \(c.width) \(c.height)" preserveAspectRatio="none"></svg>
      </div></div>
      <div id="out"><pre id="options" class="mono"></pre>
      <button id="copy" type="button">copy</button> <button id="download" type="button">download regions file</button> <span id="note"></span>
      <ol id="shapes"></ol></div>

      """
    if !c.strip.isEmpty {
      h += "<div id=\"strip\"><p>Other frames (click one to draw on it; the shapes stay):</p>\n"
      for f in [c.frame] + c.strip {
        h += "<figure><img class=\"thumb\" alt=\"frame #\(f.number)\" data-frame=\"\(f.number)\" data-timecode=\"\(e(f.timecode))\" "
          + "src=\"data:image/jpeg;base64,\(Data(f.jpeg).base64EncodedString())\"><figcaption>#\(f.number) \(e(f.timecode))</figcaption></figure>\n"
      }
      h += "</div>\n"
    }
    h += "<script>\(script)</script>\n</body></html>\n"
    return h
  }

  public static let style = """
    body{font:14px/1.4 system-ui,sans-serif;margin:8px;color:#222}
    .mono{font-family:ui-monospace,monospace;font-size:12px}
    header{margin-bottom:4px}#help{margin:0 0 4px;font-size:12px;color:#555}#toolbar{display:flex;flex-wrap:wrap;gap:6px;align-items:center;margin-bottom:4px}
    .sep{width:1px;height:18px;background:#ccc}#coords{margin-left:auto;min-width:11em}
    #view{overflow:auto;height:calc(100vh - 270px);min-height:200px;background:#333}
    #stage{position:relative;margin:0 auto}#frame{display:block;width:100%;height:100%;user-select:none}
    #overlay{position:absolute;left:0;top:0;width:100%;height:100%;cursor:crosshair}
    #overlay .shape{stroke-width:2px;vector-effect:non-scaling-stroke;cursor:move}
    #overlay .include{fill:rgba(40,200,80,.18);stroke:#2ecc40}#overlay .exclude{fill:rgba(230,40,40,.22);stroke:#ff4136;stroke-dasharray:6 3}
    #overlay .selected{stroke:#ffdc00}#overlay .handle{fill:#fff;stroke:#000;stroke-width:1px;vector-effect:non-scaling-stroke;cursor:pointer}
    #overlay .draft{fill:none;stroke:#ffdc00;stroke-width:2px;vector-effect:non-scaling-stroke;stroke-dasharray:4 3}
    #options{background:#f4f4f4;padding:6px;white-space:pre-wrap;min-height:1.4em;margin:6px 0}
    #shapes li.sel{font-weight:bold}#note{color:#2a7}
    #strip figure{display:inline-block;margin:2px;font-size:11px}#strip img{width:160px;display:block;cursor:pointer}
    """

  /// The editor. Shapes are kept in storage pixels; the pointer is mapped through the
  /// stage's on-screen box, so zoom, window size and sample aspect never change a coordinate.
  public static let script = #"""
    "use strict";
    (function () {
      const stage = document.getElementById("stage"), svg = document.getElementById("overlay"), img = document.getElementById("frame");
      const view = document.getElementById("view"), out = document.getElementById("options"), list = document.getElementById("shapes");
      const W = +stage.dataset.width, H = +stage.dataset.height, sar = +stage.dataset.sar || 1;
      const NS = "http://www.w3.org/2000/svg";
      let shapes = [], selected = -1, draft = null, drag = null, zoom = 1, hover = null;
      const tool = () => document.querySelector("input[name=tool]:checked").value;
      const mode = () => document.querySelector("input[name=mode]:checked").value;
      const clamp = (v, a, b) => Math.min(b, Math.max(a, v));
      // Source pixels per screen pixel (for handles and "close enough" tests).
      const perScreen = () => W / stage.getBoundingClientRect().width;
      function point(ev) {
        const r = stage.getBoundingClientRect();
        return [clamp((ev.clientX - r.left) / r.width * W, 0, W), clamp((ev.clientY - r.top) / r.height * H, 0, H)];
      }
      function layout() {
        const dw = W * sar, dh = H;
        const fit = Math.min((view.clientWidth - 4) / dw, (view.clientHeight - 4) / dh);
        stage.style.width = (dw * fit * zoom) + "px";
        stage.style.height = (dh * fit * zoom) + "px";
        document.getElementById("zoom").textContent = Math.round(fit * zoom * 100) + "%";
        draw();
      }
      function setZoom(z) { zoom = clamp(z, 1, 16); layout(); }
      // A shape as the option text: a rectangle x,y,w,h, a polygon x1,y1;x2,y2;… (rounded to pixels).
      function regionText(s) {
        if (s.type === "rect") {
          const x0 = Math.round(Math.min(s.x0, s.x1)), x1 = Math.round(Math.max(s.x0, s.x1));
          const y0 = Math.round(Math.min(s.y0, s.y1)), y1 = Math.round(Math.max(s.y0, s.y1));
          return [x0, y0, x1 - x0, y1 - y0].join(",");
        }
        return s.pts.map(p => Math.round(p[0]) + "," + Math.round(p[1])).join(";");
      }
      function optionsText() {
        return shapes.map(s => (s.mode === "exclude" ? "--exclude " : "--roi ") + (s.type === "poly" ? "'" + regionText(s) + "'" : regionText(s))).join(" ");
      }
      function regionsFile() {
        // The header is a comment: a file name with a line break must not end it.
        let t = "# framescout regions: " + stage.dataset.file.replace(/[\r\n]+/g, " ") + ", frame #" + stage.dataset.frame + ", " + W + "x" + H + " source pixels\n";
        t += "# one region a line (x,y,w,h or x1,y1;x2,y2;...); 'exclude REGION' excludes. Use: --regions FILE\n";
        for (const s of shapes) t += (s.mode === "exclude" ? "exclude " : "") + regionText(s) + "\n";
        return t;
      }
      function el(name, attrs) { const e = document.createElementNS(NS, name); for (const k in attrs) e.setAttribute(k, attrs[k]); return e; }
      function handles(s) {
        if (s.type === "poly") return s.pts.map((p, i) => [p[0], p[1], i]);
        return [[s.x0, s.y0, "00"], [s.x1, s.y0, "10"], [s.x0, s.y1, "01"], [s.x1, s.y1, "11"]];
      }
      function draw() {
        while (svg.firstChild) svg.removeChild(svg.firstChild);
        const k = perScreen();
        shapes.forEach((s, i) => {
          const cls = "shape " + s.mode + (i === selected ? " selected" : "");
          const node = s.type === "rect"
            ? el("rect", {x: Math.min(s.x0, s.x1), y: Math.min(s.y0, s.y1), width: Math.abs(s.x1 - s.x0), height: Math.abs(s.y1 - s.y0), class: cls})
            : el("polygon", {points: s.pts.map(p => p.join(",")).join(" "), class: cls});
          node.dataset.shape = i;
          svg.appendChild(node);
        });
        if (selected >= 0) for (const [x, y, h] of handles(shapes[selected])) {
          const n = el("ellipse", {cx: x, cy: y, rx: 5 * k, ry: 5 * k * sar, class: "handle"});
          n.dataset.shape = selected; n.dataset.handle = h;
          svg.appendChild(n);
        }
        if (draft && draft.type === "poly") {
          const pts = draft.pts.concat(hover ? [hover] : []);
          svg.appendChild(el("polyline", {points: pts.map(p => p.join(",")).join(" "), class: "draft"}));
        } else if (draft) {
          svg.appendChild(el("rect", {x: Math.min(draft.x0, draft.x1), y: Math.min(draft.y0, draft.y1),
            width: Math.abs(draft.x1 - draft.x0), height: Math.abs(draft.y1 - draft.y0), class: "draft"}));
        }
        out.textContent = optionsText();
        while (list.firstChild) list.removeChild(list.firstChild);
        shapes.forEach((s, i) => {
          const li = document.createElement("li");
          li.textContent = (s.mode === "exclude" ? "exclude " : "include ") + (s.type === "poly" ? "polygon " : "rectangle ") + regionText(s);
          if (i === selected) li.className = "sel";
          li.addEventListener("click", () => { selected = i; draw(); });
          list.appendChild(li);
        });
        document.getElementById("toggle").disabled = document.getElementById("delete").disabled = selected < 0;
      }
      function closePolygon() {
        if (!draft || draft.type !== "poly") return;
        if (draft.pts.length >= 3) { shapes.push(draft); selected = shapes.length - 1; }
        draft = null; hover = null; draw();
      }
      svg.addEventListener("pointerdown", ev => {
        if (ev.button !== 0) return;
        const p = point(ev), t = ev.target.dataset || {};
        svg.setPointerCapture(ev.pointerId);
        if (draft && draft.type === "poly") {
          const last = draft.pts[draft.pts.length - 1];
          // A second click on the same spot (a double-click's first half) adds no point.
          if (Math.hypot(p[0] - last[0], (p[1] - last[1]) * sar) > 4 * perScreen()) draft.pts.push(p);
        } else if (t.handle !== undefined) {
          selected = +t.shape; drag = {kind: "handle", handle: t.handle};
        } else if (t.shape !== undefined && (+t.shape === selected || (tool() === "poly" && !ev.shiftKey))) {
          selected = +t.shape; drag = {kind: "move", last: p};
        } else if (tool() === "rect") {
          // Over a shape not selected: a drag draws (an exclusion inside a region), a click selects it.
          draft = {type: "rect", mode: mode(), x0: p[0], y0: p[1], x1: p[0], y1: p[1], under: t.shape !== undefined ? +t.shape : -1};
          selected = -1;
        } else {
          selected = -1; draft = {type: "poly", mode: mode(), pts: [p]};
        }
        draw();
      });
      svg.addEventListener("pointermove", ev => {
        const p = point(ev);
        document.getElementById("coords").textContent = "x " + Math.floor(p[0]) + ", y " + Math.floor(p[1]);
        if (draft && draft.type === "rect") { draft.x1 = p[0]; draft.y1 = p[1]; draw(); }
        else if (draft) { hover = p; draw(); }
        else if (drag && drag.kind === "move") { moveBy(shapes[selected], p[0] - drag.last[0], p[1] - drag.last[1]); drag.last = p; draw(); }
        else if (drag) { moveHandle(shapes[selected], drag.handle, p); draw(); }
      });
      svg.addEventListener("pointerup", ev => {
        if (draft && draft.type === "rect") {
          const k = perScreen();
          const under = draft.under;
          delete draft.under;
          if (Math.abs(draft.x1 - draft.x0) >= 3 * k && Math.abs(draft.y1 - draft.y0) >= 3 * k) { shapes.push(draft); selected = shapes.length - 1; }
          else selected = under;
          draft = null;
        }
        drag = null; draw();
      });
      svg.addEventListener("dblclick", ev => { ev.preventDefault(); closePolygon(); });
      svg.addEventListener("pointerleave", () => { document.getElementById("coords").textContent = "x –, y –"; });
      function moveBy(s, dx, dy) {
        if (s.type === "rect") {
          dx = clamp(dx, -Math.min(s.x0, s.x1), W - Math.max(s.x0, s.x1)); dy = clamp(dy, -Math.min(s.y0, s.y1), H - Math.max(s.y0, s.y1));
          s.x0 += dx; s.x1 += dx; s.y0 += dy; s.y1 += dy;
        } else {
          dx = clamp(dx, -Math.min(...s.pts.map(p => p[0])), W - Math.max(...s.pts.map(p => p[0])));
          dy = clamp(dy, -Math.min(...s.pts.map(p => p[1])), H - Math.max(...s.pts.map(p => p[1])));
          s.pts = s.pts.map(p => [p[0] + dx, p[1] + dy]);
        }
      }
      function moveHandle(s, h, p) {
        if (s.type === "poly") { s.pts[+h] = p; return; }
        if (h[0] === "0") s.x0 = p[0]; else s.x1 = p[0];
        if (h[1] === "0") s.y0 = p[1]; else s.y1 = p[1];
      }
      function removeSelected() { if (selected >= 0) { shapes.splice(selected, 1); selected = -1; draw(); } }
      function toggleSelected() {
        if (selected < 0) return;
        const s = shapes[selected]; s.mode = s.mode === "include" ? "exclude" : "include"; draw();
      }
      document.addEventListener("keydown", ev => {
        if (ev.key === "Enter") closePolygon();
        else if (ev.key === "Escape") { draft = null; drag = null; draw(); }
        else if (ev.key === "Delete" || ev.key === "Backspace") removeSelected();
        else if (ev.key === "+" || ev.key === "=") setZoom(zoom * 1.5);
        else if (ev.key === "-") setZoom(zoom / 1.5);
      });
      document.getElementById("delete").addEventListener("click", removeSelected);
      document.getElementById("toggle").addEventListener("click", toggleSelected);
      document.getElementById("zoom-in").addEventListener("click", () => setZoom(zoom * 1.5));
      document.getElementById("zoom-out").addEventListener("click", () => setZoom(zoom / 1.5));
      document.getElementById("zoom-fit").addEventListener("click", () => setZoom(1));
      view.addEventListener("wheel", ev => { if (ev.ctrlKey) { ev.preventDefault(); setZoom(zoom * (ev.deltaY < 0 ? 1.25 : 0.8)); } }, {passive: false});
      const note = t => { document.getElementById("note").textContent = t; };
      document.getElementById("copy").addEventListener("click", () => {
        const text = optionsText();
        const fallback = () => {
          const r = document.createRange(); r.selectNodeContents(out);
          const sel = getSelection(); sel.removeAllRanges(); sel.addRange(r);
          note(document.execCommand("copy") ? "copied" : "selected: press Ctrl+C");
        };
        if (navigator.clipboard) navigator.clipboard.writeText(text).then(() => note("copied"), fallback); else fallback();
      });
      document.getElementById("download").addEventListener("click", () => {
        const a = document.createElement("a");
        a.href = URL.createObjectURL(new Blob([regionsFile()], {type: "text/plain"}));
        a.download = (stage.dataset.file.split("/").pop().replace(/\.[^.]*$/, "") || "frame") + ".regions.txt";
        document.body.appendChild(a); a.click(); a.remove();
        setTimeout(() => URL.revokeObjectURL(a.href), 1000);
      });
      for (const t of document.querySelectorAll("#strip img")) t.addEventListener("click", () => {
        img.src = t.src; stage.dataset.frame = t.dataset.frame;
        document.getElementById("shown").textContent = "frame #" + t.dataset.frame + " at " + t.dataset.timecode;
      });
      window.addEventListener("resize", layout);
      layout();
    })();
    """#
}
