import { gzipSync } from 'node:zlib';
import { zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { readTarEntries, readTarGzEntries, readZipEntries } from './archive.ts';
import { makeTar } from './testing/make-tar.ts';

const bytes = (text: string) => new TextEncoder().encode(text);
const text = (data: Uint8Array | undefined) => new TextDecoder().decode(data);

describe('archives', () => {
  it('reads regular tar entries, filtered, across block padding', () => {
    const tar = makeTar({ 'dir/a.bin': bytes('x'.repeat(700)), 'dir/b.txt': bytes('hello'), 'c.txt': bytes('') });
    const all = readTarEntries(tar, 'fixture.tar');
    expect([...all.keys()]).toEqual(['dir/a.bin', 'dir/b.txt', 'c.txt']);
    expect(text(all.get('dir/a.bin'))).toBe('x'.repeat(700));
    expect(text(all.get('dir/b.txt'))).toBe('hello');
    expect(all.get('c.txt')?.length).toBe(0);
    const some = readTarGzEntries(gzipSync(tar), 'fixture.tar.gz', (name) => name.endsWith('.txt'));
    expect([...some.keys()]).toEqual(['dir/b.txt', 'c.txt']);
  });

  it('joins the POSIX prefix field, and ignores that field in old GNU headers', () => {
    const tar = makeTar({ 'file.bin': bytes('data') });
    const posix = tar.slice();
    posix.set(bytes('long/prefix'), 345);
    expect([...readTarEntries(posix, 'posix.tar').keys()]).toEqual(['long/prefix/file.bin']);
    const gnu = posix.slice();
    gnu.set(bytes('ustar  \0'), 257); // GNU magic: the same bytes hold access/change times
    expect([...readTarEntries(gnu, 'gnu.tar').keys()]).toEqual(['file.bin']);
  });

  it('names the archive when it is truncated or not gzip', () => {
    const tar = makeTar({ 'big.bin': new Uint8Array(2000) });
    expect(() => readTarEntries(tar.subarray(0, 1024), 'cut.tar')).toThrow(/cut\.tar: "big\.bin" is cut short/);
    expect(() => readTarGzEntries(bytes('plain text'), 'fake.tar.gz')).toThrow(/fake\.tar\.gz: not a readable gzip file/);
  });

  it('reads zip entries through fflate, only the wanted ones', () => {
    const zip = zipSync({ 'images/a.png': bytes('A'), 'images/b.txt': bytes('B') });
    const entries = readZipEntries(zip, 'fixture.zip', (name) => name.endsWith('.png'));
    expect([...entries.keys()]).toEqual(['images/a.png']);
    expect(text(entries.get('images/a.png'))).toBe('A');
    expect(() => readZipEntries(bytes('nope'), 'bad.zip')).toThrow(/bad\.zip: not a readable zip file/);
  });
});
