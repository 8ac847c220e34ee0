import { describe, expect, it } from 'vitest';
import { isZipPath, opensAsBundle } from './file-kinds.ts';

describe('file kinds', () => {
  it('opens graph files as graphs and zips, model.json and folders as bundles', () => {
    expect(opensAsBundle('/w/net.plastic.json')).toBe(false);
    expect(opensAsBundle('/w/NET.PLASTIC.JSON')).toBe(false);
    expect(opensAsBundle('/w/other.json')).toBe(false);
    expect(opensAsBundle('/w/run-model.zip')).toBe(true);
    expect(opensAsBundle('/w/run-model/model.json')).toBe(true);
    expect(opensAsBundle('C:\\w\\run-model')).toBe(true);
    expect(opensAsBundle('/w/run-model/')).toBe(true);
  });

  it('says a name ending in .zip is a zip file', () => {
    expect(isZipPath('/w/a.ZIP')).toBe(true);
    expect(isZipPath('/w/a.zip/model.json')).toBe(false);
    expect(isZipPath('/w/a-model')).toBe(false);
  });
});
