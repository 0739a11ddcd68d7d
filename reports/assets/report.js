"use strict";
// Splitbrain report: draws the timeline, latency and throughput plots as SVG from the JSON
// embedded in the page. No dependencies, no network. Times in the data are microseconds.
(function () {
  const dataNode = document.getElementById("report-data");
  if (!dataNode) return;
  const D = JSON.parse(dataNode.textContent);
  const TYPES = ["ok", "fail", "info"];
  const LEFT = 78, RIGHT = 12, ROW = 13, GAP = 3, AXIS = 22;
  const full = { v0: 0, v1: Math.max(D.t1, 1) };
  const view = { v0: full.v0, v1: full.v1 };
  const tip = document.getElementById("tip");
  const ops = D.ops;
  const nOps = ops.s.length;
  let selected = -1;

  function esc(s) {
    return String(s).replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" }[c]));
  }
  function fmtTime(us) {
    const s = us / 1e6;
    if (Math.abs(view.v1 - view.v0) < 2e4) return (us / 1e3).toFixed(3) + " ms";
    return s.toFixed(s < 10 ? 3 : 2) + " s";
  }
  function fmtDur(us) {
    if (us === null || us === undefined) return "—";
    if (us < 1e3) return us.toFixed(0) + " µs";
    if (us < 1e6) return (us / 1e3).toFixed(2) + " ms";
    return (us / 1e6).toFixed(3) + " s";
  }
  function niceStep(span, n) {
    const raw = span / n, mag = Math.pow(10, Math.floor(Math.log10(raw)));
    for (const m of [1, 2, 5, 10]) if (m * mag >= raw) return m * mag;
    return 10 * mag;
  }
  function width(el) { return Math.max(320, el.clientWidth || 900); }
  function xScale(w) {
    const span = view.v1 - view.v0 || 1;
    return (t) => LEFT + ((t - view.v0) / span) * (w - LEFT - RIGHT);
  }
  function axis(w, y, x) {
    const step = niceStep(view.v1 - view.v0, Math.max(2, Math.floor(w / 110)));
    const out = [];
    for (let t = Math.ceil(view.v0 / step) * step; t <= view.v1; t += step) {
      const px = x(t);
      out.push(`<line class="gridline" x1="${px}" x2="${px}" y1="0" y2="${y}"/>`);
      out.push(`<text x="${px}" y="${y + 14}" text-anchor="middle">${esc(fmtTime(t))}</text>`);
    }
    return `<g class="axis">${out.join("")}</g>`;
  }
  const KINDS = [...new Set(D.windows.map((w) => w.kind))];
  const LEADERS = D.leaders || [];
  const LANE = 12, TOP = 4 + LANE * Math.max(1, KINDS.length + (LEADERS.length ? 1 : 0));
  const NODE_COLOURS = ["#5d6d7e", "#1a5276", "#6c3483", "#117864", "#9a7d0a", "#7b241c", "#2e4053"];
  const leaderNodes = [...new Set(LEADERS.flatMap((l) => (l.p ? l.p.split("+") : [])))].sort();
  // The primary band: who the target said was primary, from one poll to the next change.
  function leaders(x) {
    if (!LEADERS.length) return "";
    const y = 2 + LANE * KINDS.length, out = [];
    out.push(`<text class="rowlabel" x="4" y="${y + LANE - 3}">primary</text>`);
    for (const l of LEADERS) {
      if (l.e < view.v0 || l.s > view.v1) continue;
      const a = Math.max(x(l.s), LEFT), b = Math.min(x(l.e), x(view.v1)), wd = Math.max(1, b - a);
      const cls = l.n === 0 ? "leader none" : l.n > 1 ? "leader many" : "leader";
      const fill = l.n === 1 ? NODE_COLOURS[leaderNodes.indexOf(l.p) % NODE_COLOURS.length] : "";
      const what = l.n === 0 ? "no primary" : l.n > 1 ? `${l.n} primaries: ${l.p.split("+").join(", ")}` : `primary ${l.p}`;
      const title = `<title>${esc(what)}: from ${esc(fmtTime(l.s))} (polled until ${esc(fmtTime(l.seen))}) to ${esc(fmtTime(l.e))}</title>`;
      out.push(`<rect class="${cls}" data-primary="${esc(l.p)}" x="${a.toFixed(1)}" y="${y}" width="${wd.toFixed(1)}" height="${LANE - 2}"${fill ? ` fill="${fill}"` : ""}>${title}</rect>`);
      const text = l.n === 0 ? "none" : l.p;
      if (wd > text.length * 6 + 6) out.push(`<text class="leader-label" x="${(a + 3).toFixed(1)}" y="${y + LANE - 4}">${esc(text)}</text>`);
    }
    return out.join("");
  }
  // Fault windows shaded over a plot; with lanes, each kind also gets a labelled bar on top.
  function faults(x, h, lanes) {
    const out = [];
    for (const w of D.windows) {
      if (w.e < view.v0 || w.s > view.v1) continue;
      const a = Math.max(x(w.s), LEFT), b = Math.min(x(w.e), x(view.v1));
      const title = `<title>${esc(w.label)}: ${esc(fmtTime(w.s))} – ${esc(fmtTime(w.e))}${w.open ? " (never stopped)" : ""}${w.v ? "\n" + esc(w.v) : ""}</title>`;
      out.push(`<rect class="fault" x="${a}" y="0" width="${Math.max(1, b - a)}" height="${h}" fill="${w.color}">${title}</rect>`);
      if (lanes) {
        const y = 2 + LANE * KINDS.indexOf(w.kind);
        out.push(`<rect class="fault-bar" x="${a}" y="${y}" width="${Math.max(2, b - a)}" height="${LANE - 2}" fill="${w.color}">${title}</rect>`);
        out.push(`<text class="fault-label" x="${a + 3}" y="${y + LANE - 4}">${esc(w.kind)}</text>`);
      } else {
        out.push(`<text class="fault-label" x="${a + 3}" y="10">${esc(w.kind)}</text>`);
      }
    }
    if (lanes) {
      KINDS.forEach((k, i) => out.push(`<text class="rowlabel" x="4" y="${2 + LANE * i + LANE - 3}">${esc(k)}</text>`));
    }
    for (const ev of D.events) {
      if (ev.s < view.v0 || ev.s > view.v1) continue;
      const px = x(ev.s);
      out.push(`<line class="event-line" x1="${px}" x2="${px}" y1="0" y2="${h}"><title>nemesis ${esc(ev.f)} at ${esc(fmtTime(ev.s))}</title></line>`);
    }
    return out.join("");
  }

  function drawTimeline() {
    const el = document.getElementById("timeline");
    if (!el) return;
    const w = width(el), rows = D.rows.length, h = rows * (ROW + GAP) + TOP;
    const x = xScale(w), out = [];
    out.push(faults(x, h, true));
    out.push(leaders(x));
    for (let r = 0; r < rows; r++) {
      out.push(`<text class="rowlabel" x="4" y="${TOP + r * (ROW + GAP) + ROW - 3}">${esc(D.rows[r])}</text>`);
    }
    let drawn = 0;
    for (let j = 0; j < nOps; j++) {
      const s = ops.s[j], e = ops.e[j];
      if (e < view.v0 || s > view.v1) continue;
      const a = Math.max(x(s), LEFT), b = Math.min(x(e), w - RIGHT);
      const cls = "op " + TYPES[ops.t[j]] + (ops.x[j] ? " focus" : "") + (j === selected ? " sel" : "");
      out.push(`<rect class="${cls}" data-n="${j}" x="${a.toFixed(1)}" y="${TOP + ops.r[j] * (ROW + GAP)}" width="${Math.max(1.5, b - a).toFixed(1)}" height="${ROW}"/>`);
      drawn++;
    }
    out.push(axis(w, h, x));
    el.innerHTML = `<svg width="${w}" height="${h + AXIS}" data-drawn="${drawn}">${out.join("")}</svg>`;
    el.dataset.drawn = String(drawn);
  }

  function bucketRange() {
    const S = D.series, first = Math.max(0, Math.floor((view.v0 - S.start) / S.width));
    const last = Math.min(S.ok.length - 1, Math.ceil((view.v1 - S.start) / S.width));
    return [first, last];
  }

  function drawThroughput() {
    const el = document.getElementById("throughput");
    if (!el || !D.series) return;
    const S = D.series, w = width(el), h = 150, x = xScale(w);
    const [b0, b1] = bucketRange();
    let ymax = 1;
    for (let b = b0; b <= b1; b++) ymax = Math.max(ymax, S.ok[b] + S.fail[b] + S.info[b]);
    const y = (v) => h - (v / ymax) * (h - 14);
    const out = [faults(x, h, false)];
    for (let b = b0; b <= b1; b++) {
      const a = x(S.start + b * S.width), z = x(S.start + (b + 1) * S.width);
      let base = 0;
      for (const k of TYPES) {
        const v = S[k][b];
        if (v > 0) {
          out.push(`<rect class="op ${k}" x="${Math.max(a, LEFT).toFixed(1)}" y="${y(base + v).toFixed(1)}" width="${Math.max(0.8, Math.min(z, w - RIGHT) - Math.max(a, LEFT)).toFixed(1)}" height="${(y(base) - y(base + v)).toFixed(1)}"><title>${esc(fmtTime(S.start + b * S.width))}: ${v.toFixed(1)} ${k}/s</title></rect>`);
        }
        base += v;
      }
    }
    out.push(`<text class="rowlabel" x="4" y="12">${ymax.toFixed(0)} ops/s</text><text class="rowlabel" x="4" y="${h}">0</text>`);
    out.push(axis(w, h, x));
    el.innerHTML = `<svg width="${w}" height="${h + AXIS}">${out.join("")}</svg>`;
  }

  function drawLatency() {
    const el = document.getElementById("latency");
    if (!el || !D.series) return;
    const S = D.series, w = width(el), h = 190, x = xScale(w);
    let lo = Infinity, hi = 1;
    for (const q of Object.values(S.latency)) for (const v of q) if (v !== null && v > 0) { lo = Math.min(lo, v); hi = Math.max(hi, v); }
    for (let j = 0; j < nOps; j++) if (ops.t[j] === 0) { const l = ops.e[j] - ops.s[j]; if (l > 0) { lo = Math.min(lo, l); hi = Math.max(hi, l); } }
    if (!isFinite(lo)) lo = 1;
    const l0 = Math.log10(Math.max(lo, 0.5)) - 0.1, l1 = Math.log10(hi) + 0.1;
    const y = (v) => h - ((Math.log10(Math.max(v, 0.5)) - l0) / (l1 - l0 || 1)) * (h - 12);
    const out = [faults(x, h, false)];
    for (let d = Math.ceil(l0); d <= l1; d++) {
      out.push(`<line class="gridline" x1="${LEFT}" x2="${w - RIGHT}" y1="${y(10 ** d)}" y2="${y(10 ** d)}"/><text class="rowlabel" x="4" y="${y(10 ** d) + 4}">${esc(fmtDur(10 ** d))}</text>`);
    }
    for (let j = 0; j < nOps; j++) {
      const s = ops.s[j];
      if (s < view.v0 || s > view.v1) continue;
      const t = ops.t[j], l = t === 2 ? hi : ops.e[j] - s;
      out.push(`<circle class="dot ${TYPES[t]}" data-n="${j}" cx="${x(s).toFixed(1)}" cy="${y(l).toFixed(1)}" r="1.6"/>`);
    }
    const colors = { p50: "#1f4fd1", p95: "#8e44ad", p99: "#c0392b", max: "#555" };
    const [b0, b1] = bucketRange();
    for (const [name, q] of Object.entries(S.latency)) {
      // One polyline per run of non-empty buckets: no line is drawn across a gap.
      let pts = [];
      const flush = () => {
        if (pts.length > 1) out.push(`<polyline points="${pts.join(" ")}" fill="none" stroke="${colors[name] || "#333"}" stroke-width="1.3"><title>${name} latency of ok operations</title></polyline>`);
        else if (pts.length === 1) { const [cx, cy] = pts[0].split(","); out.push(`<circle cx="${cx}" cy="${cy}" r="1.5" fill="${colors[name] || "#333"}"/>`); }
        pts = [];
      };
      for (let b = b0; b <= b1; b++) {
        if (q[b] === null) { flush(); continue; }
        pts.push(`${x(S.start + (b + 0.5) * S.width).toFixed(1)},${y(q[b]).toFixed(1)}`);
      }
      flush();
    }
    out.push(axis(w, h, x));
    el.innerHTML = `<svg width="${w}" height="${h + AXIS}">${out.join("")}</svg>`;
  }

  function drawAll() { drawTimeline(); drawThroughput(); drawLatency(); }

  function describe(j) {
    const lines = [
      `${D.fs[ops.f[j]]}  ${TYPES[ops.t[j]]}`,
      `process ${ops.p[j]}${ops.n[j] >= 0 ? "  node " + D.nodes[ops.n[j]] : ""}${ops.k[j] !== null ? "  key " + ops.k[j] : ""}`,
      ops.d[j],
      `invoked ${fmtTime(ops.s[j])}, ${ops.t[j] === 2 ? "indeterminate" : "latency " + fmtDur(ops.e[j] - ops.s[j])}`,
      `history index ${ops.i[j]}`,
    ];
    if (ops.x[j]) lines.push("named by a checker");
    return lines.filter((l) => l !== "").join("\n");
  }
  function onMove(ev) {
    const n = ev.target && ev.target.dataset ? ev.target.dataset.n : undefined;
    if (n === undefined) { tip.style.display = "none"; return; }
    tip.textContent = describe(Number(n));
    tip.style.display = "block";
    tip.style.left = Math.min(ev.clientX + 14, window.innerWidth - 420) + "px";
    tip.style.top = ev.clientY + 14 + "px";
  }

  function zoom(factor, center) {
    const c = center === undefined ? (view.v0 + view.v1) / 2 : center;
    let span = (view.v1 - view.v0) * factor;
    span = Math.max(span, 10);
    span = Math.min(span, full.v1 - full.v0);
    view.v0 = Math.max(full.v0, c - (c - view.v0) * (span / (view.v1 - view.v0)));
    view.v1 = Math.min(full.v1, view.v0 + span);
    view.v0 = Math.max(full.v0, view.v1 - span);
    drawAll();
  }
  function focusOn(t0, t1) {
    const pad = Math.max((t1 - t0) * 2, 1000);
    view.v0 = Math.max(full.v0, t0 - pad);
    view.v1 = Math.min(full.v1, t1 + pad);
    drawAll();
  }

  for (const id of ["timeline", "throughput", "latency"]) {
    const el = document.getElementById(id);
    if (!el) continue;
    el.addEventListener("mousemove", onMove);
    el.addEventListener("mouseleave", () => { tip.style.display = "none"; });
    el.addEventListener("wheel", (ev) => {
      ev.preventDefault();
      const w = width(el), frac = (ev.offsetX - LEFT) / (w - LEFT - RIGHT);
      zoom(ev.deltaY > 0 ? 1.25 : 0.8, view.v0 + Math.min(1, Math.max(0, frac)) * (view.v1 - view.v0));
    }, { passive: false });
    let drag = null;
    el.addEventListener("mousedown", (ev) => { drag = { x: ev.clientX, v0: view.v0, v1: view.v1 }; });
    window.addEventListener("mouseup", () => { drag = null; });
    window.addEventListener("mousemove", (ev) => {
      if (!drag) return;
      const w = width(el), dt = ((ev.clientX - drag.x) / (w - LEFT - RIGHT)) * (drag.v1 - drag.v0);
      const span = drag.v1 - drag.v0;
      view.v0 = Math.min(Math.max(full.v0, drag.v0 - dt), full.v1 - span);
      view.v1 = view.v0 + span;
      drawAll();
    });
    el.addEventListener("dblclick", () => { view.v0 = full.v0; view.v1 = full.v1; drawAll(); });
    el.addEventListener("click", (ev) => {
      const n = ev.target && ev.target.dataset ? ev.target.dataset.n : undefined;
      if (n === undefined) return;
      selected = Number(n);
      const sel = document.getElementById("selected-op");
      if (sel) sel.textContent = describe(selected);
      drawTimeline();
    });
  }
  const bind = (id, fn) => { const b = document.getElementById(id); if (b) b.addEventListener("click", fn); };
  bind("zoom-in", () => zoom(0.5));
  bind("zoom-out", () => zoom(2));
  bind("zoom-reset", () => { view.v0 = full.v0; view.v1 = full.v1; drawAll(); });
  for (const link of document.querySelectorAll("[data-focus-start]")) {
    link.addEventListener("click", (ev) => {
      ev.preventDefault();
      const idx = Number(link.dataset.focusIndex);
      for (let j = 0; j < nOps; j++) if (ops.i[j] === idx) selected = j;
      focusOn(Number(link.dataset.focusStart), Number(link.dataset.focusEnd));
      document.getElementById("timeline-section").scrollIntoView();
    });
  }
  let resizeTimer = null;
  window.addEventListener("resize", () => { clearTimeout(resizeTimer); resizeTimer = setTimeout(drawAll, 150); });
  drawAll();
  document.body.dataset.rendered = "true";
})();
