import { describe, expect, it } from 'vitest';
import { divergingColour } from './InspectorDialog.tsx';
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
