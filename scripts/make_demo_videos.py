"""Make the demo video guides in tpd_app/devdata/media: Chromium draws each step on a canvas and records it
with MediaRecorder (VP8 WebM; this machine has no ffmpeg).

Run: PYTHONPATH=. .venv/bin/python scripts/make_demo_videos.py"""

from __future__ import annotations

import base64
from pathlib import Path

from playwright.sync_api import sync_playwright

from tpd_app.devdata.demo_portal import DEMO_GUIDES

MEDIA = Path(__file__).resolve().parents[1] / "tpd_app" / "devdata" / "media"
JS = """
async ([title, steps]) => {
  const c = document.createElement('canvas'); c.width = 640; c.height = 360; document.body.appendChild(c);
  const g = c.getContext('2d');
  const stream = c.captureStream(15);
  const rec = new MediaRecorder(stream, {mimeType: 'video/webm;codecs=vp8', videoBitsPerSecond: 150000});
  const chunks = []; rec.ondataavailable = e => chunks.push(e.data);
  const done = new Promise(r => rec.onstop = r);
  rec.start(250);
  const t0 = performance.now();
  await new Promise(resolve => {
    function frame() {
      const t = (performance.now() - t0) / 1000;
      g.fillStyle = '#0b6e62'; g.fillRect(0, 0, 640, 360);
      g.fillStyle = 'white'; g.font = 'bold 30px "Noto Sans CJK TC", sans-serif';
      g.fillText(title, 40, 70);
      g.font = '22px "Noto Sans CJK TC", sans-serif';
      const n = Math.min(steps.length, Math.floor(t / 2) + 1);
      for (let i = 0; i < n; i++) g.fillText(steps[i], 40, 140 + i * 50);
      if (t < 8.5) requestAnimationFrame(frame); else resolve();
    }
    frame();
  });
  rec.stop(); await done;
  const blob = new Blob(chunks, {type: 'video/webm'});
  const buf = new Uint8Array(await blob.arrayBuffer());
  let s = ''; for (const b of buf) s += String.fromCharCode(b);
  return btoa(s);
}
"""
with sync_playwright() as p:
    b = p.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox", "--disable-gpu"])
    page = b.new_page()
    page.set_content("<html><body></body></html>")
    for guide in DEMO_GUIDES:
        name, title, steps = guide.file, guide.title, guide.steps
        data = base64.b64decode(page.evaluate(JS, [title, steps]))
        (MEDIA / name).write_bytes(data)
        print(name, len(data), data[:4])
    b.close()
