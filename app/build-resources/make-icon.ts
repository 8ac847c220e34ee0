// Draws the app icon (icon.png, 512×512): a ring of neurons joined by plastic connections, in the app's
// colours. Run with `node bin/run-ts.js app/build-resources/make-icon.ts` after changing it.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { PNG } from 'pngjs';

const size = 512;
const png = new PNG({ width: size, height: size });
const center = size / 2;
const neurons = Array.from({ length: 7 }, (_, i) => {
  const angle = (i / 7) * 2 * Math.PI - Math.PI / 2;
  return { x: center + 150 * Math.cos(angle), y: center + 150 * Math.sin(angle) };
});

function distanceToSegment(px: number, py: number, a: { x: number; y: number }, b: { x: number; y: number }): number {
  const dx = b.x - a.x;
  const dy = b.y - a.y;
  const t = Math.max(0, Math.min(1, ((px - a.x) * dx + (py - a.y) * dy) / (dx * dx + dy * dy)));
  return Math.hypot(px - (a.x + t * dx), py - (a.y + t * dy));
}

for (let y = 0; y < size; y++) {
  for (let x = 0; x < size; x++) {
    const i = (y * size + x) * 4;
    // Rounded square background.
    const corner = 96;
    const qx = Math.max(Math.abs(x - center) - (center - corner), 0);
    const qy = Math.max(Math.abs(y - center) - (center - corner), 0);
    const inside = Math.hypot(qx, qy) <= corner;
    let [r, g, b, a] = inside ? [18, 22, 31, 255] : [0, 0, 0, 0];
    if (inside) {
      for (let j = 0; j < neurons.length; j++) {
        for (const k of [1, 3]) {
          const d = distanceToSegment(x, y, neurons[j], neurons[(j + k) % neurons.length]);
          if (d < 7) [r, g, b] = k === 1 ? [76, 201, 240] : [255, 159, 28];
        }
      }
      for (const n of neurons) if (Math.hypot(x - n.x, y - n.y) < 30) [r, g, b] = [226, 232, 240];
    }
    png.data[i] = r;
    png.data[i + 1] = g;
    png.data[i + 2] = b;
    png.data[i + 3] = a;
  }
}
writeFileSync(path.join(path.dirname(fileURLToPath(import.meta.url)), 'icon.png'), PNG.sync.write(png));
