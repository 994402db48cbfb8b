// Enamel's image viewer (issue 14, screen 4): an ES module, no build step, no dependencies, nothing inline (strict CSP).
// It reads what the server put in #viewer's data- attributes, fetches the instance's DICOM JSON metadata and its raw frame
// (WADO-RS, multipart/related application/octet-stream, native little endian) and renders at full bit depth in the
// browser: stored value -> Modality LUT (rescale slope/intercept) -> VOI window -> presentation (MONOCHROME1 and the user's
// inversion), on WebGL2 (an R32F texture, one full-viewport pass) or, without it, a CPU lookup table over the stored values
// that draws only the viewport's pixels. Annotations are kept in image pixel coordinates (0,0 = top-left corner of the
// first pixel) and saved apart from the pixels through the annotations API.

const root = document.getElementById('viewer');
if (root) start(root).catch(err => fail(root, err));

function fail(el, err) {
  const box = document.getElementById('viewer-error');
  if (box) { box.textContent = (el.dataset.tLoadFailed || 'Error') + ': ' + (err && err.message ? err.message : String(err)); box.hidden = false; }
  el.dataset.state = 'failed';
}

// ---- DICOM JSON, multipart, pixel values -------------------------------------------------------------------------------

function attr(ds, tag, i = 0) {
  const e = ds[tag];
  if (!e || !Array.isArray(e.Value) || e.Value.length <= i) return undefined;
  return e.Value[i];
}

function attrs(ds, tag) {
  const e = ds[tag];
  return e && Array.isArray(e.Value) ? e.Value : [];
}

function num(v, fallback) {
  const n = typeof v === 'number' ? v : parseFloat(v);
  return Number.isFinite(n) ? n : fallback;
}

function indexOfBytes(hay, needle, from) {
  const first = needle[0];
  outer: for (let i = from; i <= hay.length - needle.length; i++) {
    if (hay[i] !== first) continue;
    for (let j = 1; j < needle.length; j++) if (hay[i + j] !== needle[j]) continue outer;
    return i;
  }
  return -1;
}

/** The first part's body of a multipart/related response. */
export function firstPart(buffer, contentType) {
  const m = /boundary="?([^";]+)"?/i.exec(contentType || '');
  if (!m) throw new Error('the frame response is not multipart (no boundary)');
  const bytes = new Uint8Array(buffer);
  const enc = new TextEncoder();
  const delimiter = enc.encode('--' + m[1]);
  const start = indexOfBytes(bytes, delimiter, 0);
  if (start < 0) throw new Error('the frame response has no part');
  const headersEnd = indexOfBytes(bytes, enc.encode('\r\n\r\n'), start + delimiter.length);
  if (headersEnd < 0) throw new Error('the frame part has no headers');
  const bodyStart = headersEnd + 4;
  const end = indexOfBytes(bytes, enc.encode('\r\n--' + m[1]), bodyStart);
  if (end < 0) throw new Error('the frame part is cut short');
  return bytes.subarray(bodyStart, end);
}

/** Stored values of one greyscale frame (native little endian): masked to Bits Stored, sign-extended when signed. */
function storedValues(body, img) {
  const n = img.rows * img.cols;
  const out = new Int32Array(n);
  const mask = img.bitsStored >= 32 ? 0xFFFFFFFF : (1 << img.bitsStored) - 1;
  const sign = 1 << (img.bitsStored - 1);
  const dv = new DataView(body.buffer, body.byteOffset, body.byteLength);
  const step = img.bitsAllocated / 8;
  if (body.byteLength < n * step) throw new Error(`the frame has ${body.byteLength} bytes, ${n * step} expected`);
  for (let i = 0; i < n; i++) {
    let v = step === 2 ? dv.getUint16(i * 2, true) : step === 1 ? dv.getUint8(i) : dv.getUint32(i * 4, true);
    v &= mask;
    if (img.signed && (v & sign)) v -= 2 * sign;
    out[i] = v;
  }
  return out;
}

// ---- view geometry ----------------------------------------------------------------------------------------------------

// screen = centre + pan + scale * M * (image - imageCentre), M = rotation (quarter turns clockwise) * flip; M is orthogonal.
function matrix(view) {
  const fh = view.flipH ? -1 : 1, fv = view.flipV ? -1 : 1;
  const r = ((view.rotate / 90) % 4 + 4) % 4;
  const rot = [[1, 0, 0, 1], [0, -1, 1, 0], [-1, 0, 0, -1], [0, 1, -1, 0]][r];
  // [a b; c d] * diag(fh, fv)
  return [rot[0] * fh, rot[1] * fv, rot[2] * fh, rot[3] * fv];
}

function toScreen(st, x, y) {
  const [a, b, c, d] = matrix(st.view);
  const ux = x - st.img.cols / 2, uy = y - st.img.rows / 2, s = st.view.scale;
  return [st.cssW / 2 + st.view.panX + s * (a * ux + b * uy), st.cssH / 2 + st.view.panY + s * (c * ux + d * uy)];
}

function toImage(st, sx, sy) {
  const [a, b, c, d] = matrix(st.view);
  const u = (sx - st.cssW / 2 - st.view.panX) / st.view.scale, v = (sy - st.cssH / 2 - st.view.panY) / st.view.scale;
  return [st.img.cols / 2 + a * u + c * v, st.img.rows / 2 + b * u + d * v];
}

function fitScale(st) {
  const quarter = (st.view.rotate / 90) % 2 === 1;
  const w = quarter ? st.img.rows : st.img.cols, h = quarter ? st.img.cols : st.img.rows;
  return Math.max(1e-3, Math.min(st.cssW / w, st.cssH / h));
}

// ---- renderers --------------------------------------------------------------------------------------------------------

const VERTEX = `#version 300 es
void main() {
  vec2 p = vec2(float((gl_VertexID << 1) & 2), float(gl_VertexID & 2));
  gl_Position = vec4(p * 2.0 - 1.0, 0.0, 1.0);
}`;

const FRAGMENT = `#version 300 es
precision highp float;
precision highp sampler2D;
uniform sampler2D u_tex;
uniform vec3 u_rx;
uniform vec3 u_ry;
uniform vec2 u_size;
uniform float u_c;
uniform float u_w;
uniform float u_inv;
out vec4 o;
void main() {
  vec3 f = vec3(gl_FragCoord.xy, 1.0);
  float x = dot(u_rx, f);
  float y = dot(u_ry, f);
  if (x < 0.0 || y < 0.0 || x >= u_size.x || y >= u_size.y) { o = vec4(0.0, 0.0, 0.0, 1.0); return; }
  float v = texelFetch(u_tex, ivec2(int(floor(x)), int(floor(y))), 0).r;
  float g = clamp((v - (u_c - 0.5)) / max(u_w - 1.0, 1.0) + 0.5, 0.0, 1.0);
  g = mix(g, 1.0 - g, u_inv);
  o = vec4(g, g, g, 1.0);
}`;

function glRenderer(canvas) {
  const gl = canvas.getContext('webgl2', { preserveDrawingBuffer: true, antialias: false, alpha: false });
  if (!gl) return null;
  const compile = (type, src) => {
    const s = gl.createShader(type);
    gl.shaderSource(s, src);
    gl.compileShader(s);
    if (!gl.getShaderParameter(s, gl.COMPILE_STATUS)) throw new Error(gl.getShaderInfoLog(s) || 'shader');
    return s;
  };
  let program;
  try {
    program = gl.createProgram();
    gl.attachShader(program, compile(gl.VERTEX_SHADER, VERTEX));
    gl.attachShader(program, compile(gl.FRAGMENT_SHADER, FRAGMENT));
    gl.linkProgram(program);
    if (!gl.getProgramParameter(program, gl.LINK_STATUS)) return null;
  } catch { return null; }
  const u = name => gl.getUniformLocation(program, name);
  const loc = { tex: u('u_tex'), rx: u('u_rx'), ry: u('u_ry'), size: u('u_size'), c: u('u_c'), w: u('u_w'), inv: u('u_inv') };
  const texture = gl.createTexture();
  const vao = gl.createVertexArray();
  const max = gl.getParameter(gl.MAX_TEXTURE_SIZE);
  return {
    name: 'gl',
    fits(img) { return img.cols <= max && img.rows <= max; },
    upload(st) {
      const f = new Float32Array(st.stored.length);
      const { slope, intercept } = st.img;
      for (let i = 0; i < f.length; i++) f[i] = st.stored[i] * slope + intercept;
      gl.bindTexture(gl.TEXTURE_2D, texture);
      gl.pixelStorei(gl.UNPACK_ALIGNMENT, 1);
      gl.texImage2D(gl.TEXTURE_2D, 0, gl.R32F, st.img.cols, st.img.rows, 0, gl.RED, gl.FLOAT, f);
      gl.texParameteri(gl.TEXTURE_2D, gl.TEXTURE_MIN_FILTER, gl.NEAREST);
      gl.texParameteri(gl.TEXTURE_2D, gl.TEXTURE_MAG_FILTER, gl.NEAREST);
      gl.texParameteri(gl.TEXTURE_2D, gl.TEXTURE_WRAP_S, gl.CLAMP_TO_EDGE);
      gl.texParameteri(gl.TEXTURE_2D, gl.TEXTURE_WRAP_T, gl.CLAMP_TO_EDGE);
    },
    draw(st) {
      const dpr = st.dpr, [a, b, c, d] = matrix(st.view), s = st.view.scale;
      // image = centre + M^T * (css - C - pan) / s; css x = fx / dpr, css y = (H - fy) / dpr (GL's y goes up).
      const n00 = a / s, n01 = c / s, n10 = b / s, n11 = d / s;
      const au = 1 / dpr, bu = -st.cssW / 2 - st.view.panX, av = -1 / dpr, bv = canvas.height / dpr - st.cssH / 2 - st.view.panY;
      gl.viewport(0, 0, canvas.width, canvas.height);
      gl.useProgram(program);
      gl.bindVertexArray(vao);
      gl.activeTexture(gl.TEXTURE0);
      gl.bindTexture(gl.TEXTURE_2D, texture);
      gl.uniform1i(loc.tex, 0);
      gl.uniform3f(loc.rx, n00 * au, n01 * av, st.img.cols / 2 + n00 * bu + n01 * bv);
      gl.uniform3f(loc.ry, n10 * au, n11 * av, st.img.rows / 2 + n10 * bu + n11 * bv);
      gl.uniform2f(loc.size, st.img.cols, st.img.rows);
      gl.uniform1f(loc.c, st.win.center);
      gl.uniform1f(loc.w, st.win.width);
      gl.uniform1f(loc.inv, st.inverted() ? 1 : 0);
      gl.drawArrays(gl.TRIANGLES, 0, 3);
    },
  };
}

function cpuRenderer(canvas) {
  const ctx = canvas.getContext('2d', { alpha: false });
  let lut = null, lutKey = '';
  return {
    name: 'cpu',
    fits() { return true; },
    upload() { lutKey = ''; },
    draw(st) {
      const { minStored, maxStored } = st;
      const key = [st.win.center, st.win.width, st.inverted(), minStored, maxStored, st.frameKey].join('|');
      if (key !== lutKey) {
        // One entry per stored value in this frame's range (at most 65,536 for 16 bits): modality, VOI and presentation at once.
        lut = new Uint32Array(maxStored - minStored + 1);
        const { slope, intercept } = st.img, c = st.win.center - 0.5, w = Math.max(st.win.width - 1, 1), inv = st.inverted();
        for (let s = minStored; s <= maxStored; s++) {
          let g = ((s * slope + intercept) - c) / w + 0.5;
          g = g <= 0 ? 0 : g >= 1 ? 1 : g;
          if (inv) g = 1 - g;
          const v = Math.round(g * 255);
          lut[s - minStored] = 0xFF000000 | (v << 16) | (v << 8) | v;
        }
        lutKey = key;
      }
      const W = canvas.width, H = canvas.height, dpr = st.dpr, [a, b, c, d] = matrix(st.view), s = st.view.scale;
      const image = ctx.createImageData(W, H);
      const out = new Uint32Array(image.data.buffer);
      const cols = st.img.cols, rows = st.img.rows, stored = st.stored;
      const n00 = a / s, n01 = c / s, n10 = b / s, n11 = d / s;
      const ox = cols / 2 - n00 * (st.cssW / 2 + st.view.panX) - n01 * (st.cssH / 2 + st.view.panY);
      const oy = rows / 2 - n10 * (st.cssW / 2 + st.view.panX) - n11 * (st.cssH / 2 + st.view.panY);
      const sx = n00 / dpr, sy = n10 / dpr;
      for (let j = 0; j < H; j++) {
        const cy = (j + 0.5) / dpr;
        let x = ox + n00 * (0.5 / dpr) + n01 * cy, y = oy + n10 * (0.5 / dpr) + n11 * cy;
        let o = j * W;
        for (let i = 0; i < W; i++, o++, x += sx, y += sy) {
          if (x < 0 || y < 0 || x >= cols || y >= rows) { out[o] = 0xFF000000; continue; }
          out[o] = lut[stored[(y | 0) * cols + (x | 0)] - minStored];
        }
      }
      ctx.putImageData(image, 0, 0);
    },
  };
}

// ---- the viewer -------------------------------------------------------------------------------------------------------

async function start(el) {
  const t = el.dataset;
  const base = `/dicom-web/studies/${encodeURIComponent(t.study)}/series/${encodeURIComponent(t.series)}/instances/${encodeURIComponent(t.instance)}`;
  const canvas = document.getElementById('viewer-canvas');
  const overlay = document.getElementById('viewer-overlay');
  const stage = document.getElementById('viewer-stage');
  const out = id => document.getElementById(id);

  const [metaResponse, annotationsResponse] = await Promise.all([
    fetch(base + '/metadata', { headers: { Accept: 'application/dicom+json' } }),
    fetch(t.annotations, { headers: { Accept: 'application/json' } }),
  ]);
  if (!metaResponse.ok) throw new Error(`metadata: HTTP ${metaResponse.status}`);
  const ds = (await metaResponse.json())[0];
  const img = {
    rows: num(attr(ds, '00280010'), 0),
    cols: num(attr(ds, '00280011'), 0),
    bitsAllocated: num(attr(ds, '00280100'), 16),
    bitsStored: num(attr(ds, '00280101'), num(attr(ds, '00280100'), 16)),
    signed: num(attr(ds, '00280103'), 0) === 1,
    samples: num(attr(ds, '00280002'), 1),
    photometric: String(attr(ds, '00280004') || 'MONOCHROME2').trim(),
    frames: Math.max(1, num(attr(ds, '00280008'), 1)),
    slope: num(attr(ds, '00281053'), 1),
    intercept: num(attr(ds, '00281052'), 0),
  };
  if (!img.rows || !img.cols) throw new Error('this instance has no image (Rows/Columns)');
  if (img.samples !== 1 || !img.photometric.startsWith('MONOCHROME')) throw new Error(t.tColour);
  const pixelSpacing = attrs(ds, '00280030').map(v => num(v, NaN));
  const imagerSpacing = attrs(ds, '00181164').map(v => num(v, NaN));
  const calibration = pixelSpacing.length === 2 && pixelSpacing.every(v => v > 0)
    ? { row: pixelSpacing[0], col: pixelSpacing[1], label: t.tPixelSpacing }
    : imagerSpacing.length === 2 && imagerSpacing.every(v => v > 0)
      ? { row: imagerSpacing[0], col: imagerSpacing[1], label: t.tImagerSpacing }
      : null;
  out('viewer-calibration').textContent = calibration
    ? `${calibration.label}: ${calibration.row} × ${calibration.col} mm`
    : t.tUncalibrated;

  const st = {
    img, stored: null, minStored: 0, maxStored: 0, frame: Math.min(Math.max(1, num(t.frame, 1)), img.frames), frameKey: '',
    cssW: 1, cssH: 1, dpr: window.devicePixelRatio || 1,
    view: { scale: 1, panX: 0, panY: 0, rotate: 0, flipH: false, flipV: false, invert: false },
    win: { center: 0, width: 1 },
    tool: 'window', items: [], draft: null, version: 0, presets: [],
    inverted() { return this.view.invert !== (img.photometric === 'MONOCHROME1'); },
  };

  // WebGL2 when present and the image fits a texture (asked on a probe canvas: a canvas that gave a WebGL context gives no 2D one);
  // ?renderer=cpu forces the lookup table (tests, benchmarks).
  let renderer = null;
  if (new URLSearchParams(location.search).get('renderer') !== 'cpu') {
    const probe = document.createElement('canvas').getContext('webgl2');
    const max = probe ? probe.getParameter(probe.MAX_TEXTURE_SIZE) : 0;
    if (probe) probe.getExtension('WEBGL_lose_context')?.loseContext();
    if (img.cols <= max && img.rows <= max) renderer = glRenderer(canvas);
  }
  if (!renderer) renderer = cpuRenderer(canvas);
  out('viewer-renderer').textContent = renderer.name === 'gl' ? t.tRendererGl : t.tRendererCpu;
  el.dataset.renderer = renderer.name;

  const frames = new Map();
  async function loadFrame(n) {
    if (!frames.has(n)) {
      const r = await fetch(`${base}/frames/${n}`, { headers: { Accept: 'multipart/related; type="application/octet-stream"; transfer-syntax=*' } });
      if (!r.ok) throw new Error(`frame ${n}: HTTP ${r.status}`);
      frames.set(n, storedValues(firstPart(await r.arrayBuffer(), r.headers.get('Content-Type')), img));
      if (frames.size > 64) frames.delete(frames.keys().next().value);
    }
    const stored = frames.get(n);
    let min = Infinity, max = -Infinity;
    for (let i = 0; i < stored.length; i++) { const v = stored[i]; if (v < min) min = v; if (v > max) max = v; }
    Object.assign(st, { stored, minStored: min, maxStored: max, frame: n, frameKey: String(n) });
    renderer.upload(st);
  }

  // Presets: every window of the dataset, then the frame's full range.
  const centers = attrs(ds, '00281050'), widths = attrs(ds, '00281051'), explanations = attrs(ds, '00281055');
  for (let i = 0; i < Math.min(centers.length, widths.length); i++) {
    const c = num(centers[i], NaN), w = num(widths[i], NaN);
    if (Number.isFinite(c) && w >= 1) st.presets.push({ center: c, width: w, label: explanations[i] ? String(explanations[i]) : `${t.tDatasetWindow} ${i + 1}` });
  }

  await loadFrame(st.frame);
  const lo = st.minStored * img.slope + img.intercept, hi = st.maxStored * img.slope + img.intercept;
  st.presets.push({ center: (Math.min(lo, hi) + Math.max(lo, hi)) / 2, width: Math.max(1, Math.abs(hi - lo) + 1), label: t.tFullRange });
  const presetSelect = out('viewer-preset');
  st.presets.forEach((p, i) => presetSelect.add(new Option(`${p.label} (${round(p.center)} / ${round(p.width)})`, String(i))));
  Object.assign(st.win, st.presets[0]);

  let saved = null;
  if (annotationsResponse.ok) {
    saved = await annotationsResponse.json();
    st.version = saved.version || 0;
    st.items = Array.isArray(saved.items) ? saved.items : [];
    const d = saved.display;
    if (d) {
      if (Number.isFinite(d.center) && Number.isFinite(d.width)) Object.assign(st.win, { center: d.center, width: d.width });
      Object.assign(st.view, { invert: !!d.invert, flipH: !!d.flipH, flipV: !!d.flipV, rotate: d.rotate || 0 });
    }
  }

  // ---- drawing ----
  function resize() {
    const r = stage.getBoundingClientRect();
    st.dpr = window.devicePixelRatio || 1;
    st.cssW = Math.max(1, r.width); st.cssH = Math.max(1, r.height);
    for (const c of [canvas, overlay]) {
      c.width = Math.round(st.cssW * st.dpr); c.height = Math.round(st.cssH * st.dpr);
    }
  }

  let pending = false;
  function redraw() {
    if (pending) return;
    pending = true;
    requestAnimationFrame(() => { pending = false; drawNow(); });
  }

  function drawNow() {
    renderer.draw(st);
    drawOverlay();
    out('viewer-wl').textContent = `${round(st.win.center)} / ${round(st.win.width)}`;
    out('viewer-zoom').textContent = `${Math.round(st.view.scale * st.dpr * 100)} %`;
    el.dataset.window = `${st.win.center}/${st.win.width}`;
  }

  function drawOverlay() {
    const ctx = overlay.getContext('2d');
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.clearRect(0, 0, overlay.width, overlay.height);
    ctx.setTransform(st.dpr, 0, 0, st.dpr, 0, 0);
    ctx.lineWidth = 2;
    ctx.font = '14px system-ui, sans-serif';
    const all = st.items.filter(a => a.frame === st.frame);
    if (st.draft) all.push(st.draft);
    for (const a of all) {
      const pts = a.points.map(p => toScreen(st, p[0], p[1]));
      ctx.strokeStyle = '#ffd400';
      ctx.beginPath();
      pts.forEach((p, i) => (i ? ctx.lineTo(p[0], p[1]) : ctx.moveTo(p[0], p[1])));
      ctx.stroke();
      if (a.type === 'arrow') {
        const [p, q] = pts, ang = Math.atan2(q[1] - p[1], q[0] - p[0]);
        ctx.beginPath();
        for (const s of [-0.45, 0.45]) { ctx.moveTo(q[0], q[1]); ctx.lineTo(q[0] - 14 * Math.cos(ang + s), q[1] - 14 * Math.sin(ang + s)); }
        ctx.stroke();
      } else if (a.type !== 'text') {
        for (const p of pts) { ctx.beginPath(); ctx.arc(p[0], p[1], 3, 0, 2 * Math.PI); ctx.stroke(); }
      }
      const label = describe(a);
      if (label) {
        const p = pts[pts.length - 1];
        ctx.lineWidth = 3; ctx.strokeStyle = '#000'; ctx.strokeText(label, p[0] + 8, p[1] - 8);
        ctx.fillStyle = '#ffd400'; ctx.fillText(label, p[0] + 8, p[1] - 8); ctx.lineWidth = 2;
      }
    }
  }

  function describe(a) {
    if (a.type === 'length' && a.points.length === 2) return lengthText(a.points[0], a.points[1]);
    if (a.type === 'angle' && a.points.length === 3) return angleText(a.points);
    return a.text || '';
  }

  function lengthText(p, q) {
    const dx = q[0] - p[0], dy = q[1] - p[1];
    if (!calibration) return `${Math.hypot(dx, dy).toFixed(1)} px`;
    return `${Math.hypot(dx * calibration.col, dy * calibration.row).toFixed(1)} mm`;
  }

  function angleText([p, v, q]) {
    // In physical space when calibrated (the spacing may differ between rows and columns).
    const sx = calibration ? calibration.col : 1, sy = calibration ? calibration.row : 1;
    const ax = (p[0] - v[0]) * sx, ay = (p[1] - v[1]) * sy, bx = (q[0] - v[0]) * sx, by = (q[1] - v[1]) * sy;
    const deg = Math.abs(Math.atan2(ax * by - ay * bx, ax * bx + ay * by)) * 180 / Math.PI;
    return `${deg.toFixed(1)}°`;
  }

  function listMeasurements() {
    const list = out('viewer-measurements');
    list.replaceChildren();
    st.items.forEach((a, i) => {
      const li = document.createElement('li');
      const source = a.type === 'length' ? ` (${calibration ? calibration.label : t.tUncalibrated})` : '';
      const text = document.createElement('span');
      const name = { length: t.tLength, angle: t.tAngle, arrow: t.tArrow, text: t.tText }[a.type];
      text.textContent = `${name}${describe(a) ? ': ' + describe(a) : ''}${source}` + (img.frames > 1 ? ` · ${t.tFrame} ${a.frame}` : '');
      const del = document.createElement('button');
      del.type = 'button';
      del.textContent = t.tDelete;
      del.setAttribute('aria-label', `${t.tDelete}: ${text.textContent}`);
      del.addEventListener('click', () => { st.items.splice(i, 1); listMeasurements(); redraw(); });
      li.append(text, ' ', del);
      list.append(li);
    });
  }

  // ---- tools ----
  const toolButtons = ['window', 'pan', 'zoom', 'length', 'angle', 'arrow', 'text'];
  function setTool(name) {
    st.tool = name;
    st.draft = null;
    for (const b of toolButtons) out('tool-' + b).setAttribute('aria-pressed', String(b === name));
    el.dataset.tool = name;
    canvas.dataset.tool = name;
    redraw();
  }

  function fit() { st.view.scale = fitScale(st); st.view.panX = 0; st.view.panY = 0; }

  function zoomAt(factor, sx, sy) {
    const [ix, iy] = toImage(st, sx, sy);
    st.view.scale = Math.min(64, Math.max(0.01, st.view.scale * factor));
    const [nx, ny] = toScreen(st, ix, iy);
    st.view.panX += sx - nx; st.view.panY += sy - ny;
  }

  function syncToggles() {
    out('tool-invert').setAttribute('aria-pressed', String(st.view.invert));
  }

  async function save() {
    const body = {
      version: st.version,
      display: { center: st.win.center, width: st.win.width, invert: st.view.invert, flipH: st.view.flipH, flipV: st.view.flipV, rotate: st.view.rotate },
      items: st.items.map(a => ({ type: a.type, frame: a.frame, points: a.points, text: a.text || '' })),
    };
    const r = await fetch(t.annotations, { method: 'PUT', headers: { 'Content-Type': 'application/json', Accept: 'application/json' }, body: JSON.stringify(body) });
    if (r.ok) {
      st.version = (await r.json()).version;
      out('viewer-status').textContent = t.tSaved;
      el.dataset.saved = String(st.version);
    } else {
      let detail = '';
      try { detail = (await r.json()).detail || ''; } catch { /* not JSON */ }
      out('viewer-status').textContent = `${t.tSaveFailed} (${r.status}) ${detail}`;
    }
  }

  const actions = {
    window: () => setTool('window'), pan: () => setTool('pan'), zoom: () => setTool('zoom'), length: () => setTool('length'), angle: () => setTool('angle'),
    arrow: () => setTool('arrow'), text: () => setTool('text'),
    fit: () => { fit(); redraw(); },
    actual: () => { const cx = st.cssW / 2, cy = st.cssH / 2; zoomAt(1 / st.dpr / st.view.scale, cx, cy); redraw(); },
    'flip-h': () => { st.view.flipH = !st.view.flipH; redraw(); },
    'flip-v': () => { st.view.flipV = !st.view.flipV; redraw(); },
    rotate: () => { st.view.rotate = (st.view.rotate + 90) % 360; fit(); redraw(); },
    invert: () => { st.view.invert = !st.view.invert; syncToggles(); redraw(); },
    reset: () => { Object.assign(st.view, { rotate: 0, flipH: false, flipV: false, invert: false }); Object.assign(st.win, st.presets[0]); presetSelect.value = '0'; syncToggles(); fit(); redraw(); },
    save: () => { if (t.canSave === 'true') save(); },
    export: () => { const link = document.getElementById('viewer-gsps'); if (link) link.click(); },
  };
  for (const b of document.querySelectorAll('#viewer-tools [data-action]')) b.addEventListener('click', () => actions[b.dataset.action]());

  presetSelect.addEventListener('change', () => { Object.assign(st.win, st.presets[Number(presetSelect.value)]); redraw(); });

  // ---- frames ----
  const slider = out('viewer-frame');
  if (img.frames > 1) {
    out('viewer-frames').hidden = false;
    slider.max = String(img.frames);
    slider.value = String(st.frame);
  }
  let frameLoading = Promise.resolve();
  function goToFrame(n) {
    n = Math.min(Math.max(1, n), img.frames);
    if (n === st.frame) return;
    slider.value = String(n);
    out('viewer-frame-value').textContent = String(n);
    frameLoading = frameLoading.then(() => loadFrame(n)).then(() => { listMeasurements(); redraw(); }).catch(err => fail(el, err));
  }
  slider.addEventListener('input', () => goToFrame(Number(slider.value)));

  // ---- pointer ----
  let drag = null;
  const point = e => { const r = canvas.getBoundingClientRect(); return [e.clientX - r.left, e.clientY - r.top]; };
  canvas.addEventListener('pointerdown', e => {
    if (e.button !== 0) return;
    canvas.focus();
    canvas.setPointerCapture(e.pointerId);
    const [sx, sy] = point(e);
    drag = { x: sx, y: sy, startWin: { ...st.win }, startScale: st.view.scale };
    const ip = toImage(st, sx, sy);
    if (st.tool === 'length' || st.tool === 'arrow') st.draft = { type: st.tool, frame: st.frame, points: [ip, ip.slice()], text: '' };
    else if (st.tool === 'text') { askText(ip); drag = null; }
    else if (st.tool === 'angle') {
      if (st.draft && st.draft.points.length === 3) { st.draft.points[2] = ip; commitDraft(); drag = null; }
      else st.draft = { type: 'angle', frame: st.frame, points: [ip, ip.slice()], text: '' };
    }
    e.preventDefault();
  });
  canvas.addEventListener('pointermove', e => {
    const [sx, sy] = point(e);
    probe(sx, sy);
    if (st.tool === 'angle' && st.draft && st.draft.points.length === 3 && !drag) { st.draft.points[2] = toImage(st, sx, sy); redraw(); return; }
    if (!drag) return;
    const dx = sx - drag.x, dy = sy - drag.y;
    if (st.tool === 'window') {
      const range = Math.max(1, Math.abs((st.maxStored - st.minStored) * img.slope));
      const k = range / 500;
      st.win.width = Math.max(1, drag.startWin.width + dx * k);
      st.win.center = drag.startWin.center + dy * k;
    } else if (st.tool === 'pan') {
      st.view.panX += sx - drag.x; st.view.panY += sy - drag.y; drag.x = sx; drag.y = sy;
    } else if (st.tool === 'zoom') {
      zoomAt(drag.startScale * Math.exp(-dy / 150) / st.view.scale, st.cssW / 2, st.cssH / 2);
    } else if (st.draft) {
      st.draft.points[1] = toImage(st, sx, sy);
    }
    redraw();
  });
  const end = e => {
    if (!drag) return;
    if (canvas.hasPointerCapture(e.pointerId)) canvas.releasePointerCapture(e.pointerId);
    drag = null;
    if ((st.tool === 'length' || st.tool === 'arrow') && st.draft) commitDraft();
    else if (st.tool === 'angle' && st.draft && st.draft.points.length === 2) st.draft.points.push(st.draft.points[1].slice());
    redraw();
  };
  canvas.addEventListener('pointerup', end);
  canvas.addEventListener('pointercancel', end);
  canvas.addEventListener('pointerleave', () => { out('viewer-probe').textContent = '–'; });
  canvas.addEventListener('wheel', e => {
    e.preventDefault();
    const [sx, sy] = point(e);
    zoomAt(Math.exp(-e.deltaY / 500), sx, sy);
    redraw();
  }, { passive: false });

  // Text: the point is chosen on the image, the words in the form under the toolbar (Enter adds, Escape cancels).
  const textForm = out('viewer-text-form'), textInput = out('viewer-text');
  let textAt = null;
  function askText(ip) {
    textAt = ip;
    textForm.hidden = false;
    textInput.value = '';
    textInput.focus();
  }
  textForm.addEventListener('submit', e => {
    e.preventDefault();
    const words = textInput.value.trim();
    if (textAt && words) {
      st.items.push({ type: 'text', frame: st.frame, points: [textAt.map(v => Math.round(v * 1000) / 1000)], text: words.slice(0, 200) });
      listMeasurements();
    }
    textAt = null;
    textForm.hidden = true;
    canvas.focus({ preventScroll: true });
    redraw();
  });
  textInput.addEventListener('keydown', e => {
    if (e.key === 'Escape') { e.preventDefault(); textAt = null; textForm.hidden = true; canvas.focus({ preventScroll: true }); }
  });

  function commitDraft() {
    const a = st.draft;
    st.draft = null;
    const [p, q] = a.points;
    if (Math.hypot(q[0] - p[0], q[1] - p[1]) * st.view.scale < 3) { redraw(); return; } // a click, not a measurement
    a.points = a.points.map(([x, y]) => [Math.round(x * 1000) / 1000, Math.round(y * 1000) / 1000]);
    st.items.push(a);
    listMeasurements();
    redraw();
  }

  function probe(sx, sy) {
    const [x, y] = toImage(st, sx, sy);
    if (x < 0 || y < 0 || x >= img.cols || y >= img.rows) { out('viewer-probe').textContent = '–'; return; }
    const c = Math.floor(x), r = Math.floor(y), s = st.stored[r * img.cols + c];
    out('viewer-probe').textContent = `(${c}, ${r}) ${t.tStored} ${s} · ${t.tModality} ${round(s * img.slope + img.intercept)}`;
  }

  // ---- keyboard: every action has its key ----
  const keys = { w: 'window', p: 'pan', z: 'zoom', l: 'length', a: 'angle', x: 'arrow', t: 'text', f: 'fit', 1: 'actual', h: 'flip-h', v: 'flip-v', r: 'rotate', i: 'invert', 0: 'reset', s: 'save', e: 'export' };
  document.addEventListener('keydown', e => {
    if (e.ctrlKey || e.metaKey || e.altKey) return;
    const target = e.target;
    if (target instanceof HTMLInputElement && target.type !== 'range' || target instanceof HTMLSelectElement || target instanceof HTMLTextAreaElement) return;
    const k = e.key.length === 1 ? e.key.toLowerCase() : e.key;
    if (keys[k]) { e.preventDefault(); actions[keys[k]](); return; }
    if (k === 'n') { e.preventDefault(); presetSelect.value = String((Number(presetSelect.value) + 1) % st.presets.length); presetSelect.dispatchEvent(new Event('change')); return; }
    if (k === 'PageDown' || (target === canvas && k === 'ArrowDown' && e.shiftKey)) { e.preventDefault(); goToFrame(st.frame + 1); return; }
    if (k === 'PageUp' || (target === canvas && k === 'ArrowUp' && e.shiftKey)) { e.preventDefault(); goToFrame(st.frame - 1); return; }
    if (k === 'Escape' && st.draft) { st.draft = null; redraw(); return; }
    if (target !== canvas) return;
    const step = 20;
    const pan = { ArrowLeft: [step, 0], ArrowRight: [-step, 0], ArrowUp: [0, step], ArrowDown: [0, -step] }[k];
    if (pan) { e.preventDefault(); st.view.panX += pan[0]; st.view.panY += pan[1]; redraw(); return; }
    if (k === '+' || k === '=') { e.preventDefault(); zoomAt(1.25, st.cssW / 2, st.cssH / 2); redraw(); return; }
    if (k === '-') { e.preventDefault(); zoomAt(0.8, st.cssW / 2, st.cssH / 2); redraw(); return; }
    if (k === 'Delete' || k === 'Backspace') { e.preventDefault(); st.items.pop(); listMeasurements(); redraw(); }
  });

  new ResizeObserver(() => { const fitted = Math.abs(st.view.scale - fitScale(st)) < 1e-9; resize(); if (fitted) fit(); drawNow(); }).observe(stage);
  resize();
  fit();
  syncToggles();
  setTool('window');
  listMeasurements();
  drawNow();
  // First pixels, in ms since the navigation started (the click that opened the viewer): bench/Enamel.Bench.Viewer reads it.
  performance.mark('enamel-first-pixels');
  el.dataset.firstPixelsMs = String(Math.round(performance.now()));
  el.dataset.state = 'ready';
}

function round(v) {
  return Math.abs(v) >= 100 ? Math.round(v) : Math.round(v * 100) / 100;
}
