"use strict";
// Lane diagrams (reports/_lanes.py): one lane per process, operations as bars on a shared time
// axis. Within a lane, a bar whose label box would touch another's goes to the next free row, so
// no two labels overlap; labels are cut at `chars` characters and the full text is in a <title>
// (shown on hover). Zooming widens the time axis and lays the labels out again.
(function () {
  const LEFT = 96, RIGHT = 16, ROW = 19, BAR = 15, PAD = 6, AXIS = 22, CW = 6.6;
  function esc(s) {
    return String(s).replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" }[c]));
  }
  // Seconds with as many decimals as the tick step needs (at least 3: milliseconds).
  function fmt(us, step) {
    const digits = step ? Math.min(6, Math.max(3, Math.ceil(-Math.log10(step / 1e6)))) : 3;
    return (us / 1e6).toFixed(digits) + " s";
  }
  function niceStep(span, n) {
    const raw = span / n, mag = Math.pow(10, Math.floor(Math.log10(raw)));
    for (const m of [1, 2, 5, 10]) if (m * mag >= raw) return m * mag;
    return 10 * mag;
  }
  function cut(text, n) { return text.length > n ? text.slice(0, n - 1) + "…" : text; }

  // Bars of one lane in start order; each goes to the first row whose last box ends before it.
  function place(D, width) {
    const span = D.t1 - D.t0 || 1, inner = width - LEFT - RIGHT;
    const x = (t) => LEFT + ((t - D.t0) / span) * inner;
    const rows = D.lanes.map(() => []);
    const placed = [];
    for (const b of D.bars) {
      const a = x(b.s), z = b.e === null ? x(D.t1) : x(b.e);
      const w = Math.max(3, z - a), text = cut(b.t, D.chars), tw = text.length * CW;
      // A label that would run past the right edge ends there instead.
      const lx = Math.max(LEFT, Math.min(a + 3, width - RIGHT - tw));
      const left = Math.min(a, lx), right = Math.max(a + w, lx + tw);
      const lane = rows[b.l];
      let r = lane.findIndex((end) => end + PAD <= left);
      if (r < 0) { r = lane.length; lane.push(0); }
      lane[r] = right;
      placed.push({ b, a, w, text, tw, lx, r, right });
    }
    return { x, rows, placed };
  }

  function draw(box) {
    const D = box._lanes, plot = box.querySelector(".lanes-plot");
    const base = Math.max(480, plot.clientWidth || 900);
    const width = base * box._zoom;
    const { x, rows, placed } = place(D, width);
    const tops = [];
    let y = 4;
    for (const lane of rows) { tops.push(y); y += Math.max(1, lane.length) * ROW + 6; }
    const h = y, out = [];
    const right = Math.max(width, ...placed.map((p) => p.right + RIGHT));
    D.lanes.forEach((name, i) => {
      out.push(`<line class="lane-sep" x1="0" x2="${right}" y1="${tops[i] - 2}" y2="${tops[i] - 2}"/>`);
      out.push(`<text class="lane-name" x="4" y="${tops[i] + 13}">${esc(name)}</text>`);
    });
    const step = niceStep(D.t1 - D.t0 || 1, Math.max(2, Math.floor(width / 120)));
    for (let t = Math.ceil(D.t0 / step) * step; t <= D.t1; t += step) {
      const px = x(t).toFixed(1);
      out.push(`<line class="gridline" x1="${px}" x2="${px}" y1="0" y2="${h}"/><text class="tick" x="${px}" y="${h + 14}" text-anchor="middle">${esc(fmt(t, step))}</text>`);
    }
    for (const p of placed) {
      const top = tops[p.b.l] + p.r * ROW;
      const title = `<title>${esc(p.b.h)}${p.b.i === null || p.b.i === undefined ? "" : "\nhistory index " + p.b.i}\n${esc(fmt(p.b.s, 1))} – ${p.b.e === null ? "never completed" : esc(fmt(p.b.e, 1))}</title>`;
      const open = p.b.e === null ? " open" : "";
      out.push(`<g class="lane-op ${esc(p.b.r)}${open}"><rect class="bar ${esc(p.b.r)}${open}" x="${p.a.toFixed(1)}" y="${top}" width="${p.w.toFixed(1)}" height="${BAR}" rx="3">${title}</rect>`);
      out.push(`<text class="bar-label" x="${p.lx.toFixed(1)}" y="${top + 11}" textLength="${p.tw.toFixed(1)}" lengthAdjust="spacingAndGlyphs" data-full="${esc(p.b.t)}">${esc(p.text)}${title}</text></g>`);
    }
    plot.innerHTML = `<svg width="${right.toFixed(0)}" height="${h + AXIS}">${out.join("")}</svg>`;
    box.dataset.zoom = String(box._zoom);
  }

  for (const box of document.querySelectorAll(".lanes")) {
    const node = box.querySelector(".lanes-data");
    if (!node) continue;
    box._lanes = JSON.parse(node.textContent);
    box._zoom = 1;
    const set = (z) => { box._zoom = Math.min(64, Math.max(1, z)); draw(box); };
    box.querySelector(".lanes-in").addEventListener("click", () => set(box._zoom * 2));
    box.querySelector(".lanes-out").addEventListener("click", () => set(box._zoom / 2));
    box.querySelector(".lanes-reset").addEventListener("click", () => set(1));
    box.querySelector(".lanes-plot").addEventListener("wheel", (ev) => {
      if (!ev.ctrlKey) return;
      ev.preventDefault();
      set(box._zoom * (ev.deltaY > 0 ? 0.8 : 1.25));
    }, { passive: false });
    draw(box);
  }
  let timer = null;
  window.addEventListener("resize", () => {
    clearTimeout(timer);
    timer = setTimeout(() => { for (const box of document.querySelectorAll(".lanes")) if (box._lanes) draw(box); }, 150);
  });
})();
