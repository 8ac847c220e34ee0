import { describe, expect, it } from 'vitest';
import { divergingColour, zoomWindow } from './InspectorDialog.tsx';
import { decodeFloats } from '../inspector/task-scene.ts';

describe('the episode inspector’s drawing helpers', () => {
  it('decodes base64 little-endian float32 as the recording writes it', () => {
    const values = new Float32Array([1.5, -2, 0, 3.25e-3]);
    const text = btoa(String.fromCharCode(...new Uint8Array(values.buffer)));
    expect([...decodeFloats(text)]).toEqual([...values]);
  });

  it('colours negative blue, zero white, positive red, saturating at the scale', () => {
    expect(divergingColour(0, 1)).toEqual([255, 255, 255]);
    expect(divergingColour(1, 1)).toEqual([255, 0, 0]);
    expect(divergingColour(-2, 1)).toEqual([0, 0, 255]);
    expect(divergingColour(0.5, 1)).toEqual([255, 128, 128]);
    expect(divergingColour(5, 0)).toEqual([255, 255, 255]);
  });
});

describe('zooming into a heatmap', () => {
  const whole = { top: 0, left: 0, height: 1001, width: 1001 };
  it('halves the window around the cell under the mouse, which stays under it', () => {
    const w = zoomWindow(whole, 1001, 1001, 500, 100, 0.5);
    expect(w).toEqual({ top: 250, left: 50, height: 501, width: 501 });
    // The cell keeps its relative place in the window.
    expect((500 - w.top) / w.height).toBeCloseTo(500 / 1001, 2);
  });

  it('stays inside the map, stops at 8 cells and returns to the whole map when zoomed out', () => {
    expect(zoomWindow(whole, 1001, 1001, 1000, 1000, 0.5)).toMatchObject({ top: 500, left: 500 });
    let w = whole;
    for (let k = 0; k < 12; k++) w = zoomWindow(w, 1001, 1001, 3, 3, 0.5);
    expect(w).toMatchObject({ height: 8, width: 8 });
    expect(w.top <= 3 && 3 < w.top + 8 && w.left <= 3 && 3 < w.left + 8).toBe(true);
    for (let k = 0; k < 12; k++) w = zoomWindow(w, 1001, 1001, 3, 3, 2);
    expect(w).toEqual(whole);
    expect(zoomWindow({ top: 0, left: 0, height: 5, width: 11 }, 5, 11, 2, 2, 0.5)).toEqual({ top: 0, left: 1, height: 5, width: 8 }); // a map shorter than 8 keeps all its rows
  });
});
