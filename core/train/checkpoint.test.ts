import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { checkCheckpointFits, checkpointExists, loadCheckpoint, saveCheckpoint, type Checkpoint } from './checkpoint.ts';

const dirs: string[] = [];
function tempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'plasticity-checkpoint-'));
  dirs.push(dir);
  return dir;
}
afterEach(() => {
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

function sampleCheckpoint(episode: number): Checkpoint {
  return {
    episode,
    parameters: {
      specs: [
        { name: 'memory/w', shape: [2, 3], dtype: 'float32' },
        { name: 'memory/eta', shape: [1], dtype: 'float32' },
      ],
      values: new Map([
        ['memory/w', Float32Array.from([1, 2, 3, 4, 5, episode])],
        ['memory/eta', Float32Array.from([0.01])],
      ]),
    },
    optimizer: {
      iterations: episode,
      moments: {
        specs: [{ name: 'memory/w/m', shape: [2, 3], dtype: 'float32' }],
        values: new Map([['memory/w/m', Float32Array.from([0.5, 0, 0, 0, 0, -0.5])]]),
      },
    },
  };
}

describe('checkpoints', () => {
  it('round-trips parameters and optimizer state in the tfjs weights-manifest layout', () => {
    const dir = path.join(tempDir(), 'checkpoint');
    saveCheckpoint(dir, sampleCheckpoint(7));
    const manifest = JSON.parse(fs.readFileSync(path.join(dir, 'model.json'), 'utf8'));
    expect(manifest.weightsManifest[0].paths).toEqual(['weights.bin']);
    expect(manifest.weightsManifest[0].weights.map((w: { name: string }) => w.name)).toEqual(['memory/w', 'memory/eta']);
    expect(fs.statSync(path.join(dir, 'weights.bin')).size).toBe(7 * 4);
    const loaded = loadCheckpoint(dir);
    expect(loaded.episode).toBe(7);
    expect([...loaded.parameters.values.get('memory/w')!]).toEqual([1, 2, 3, 4, 5, 7]);
    expect(loaded.parameters.values.get('memory/eta')![0]).toBeCloseTo(0.01, 7);
    expect([...loaded.optimizer!.moments.values.get('memory/w/m')!]).toEqual([0.5, 0, 0, 0, 0, -0.5]);
  });

  it('replaces an older checkpoint without leaving temporary folders', () => {
    const parent = tempDir();
    const dir = path.join(parent, 'checkpoint');
    saveCheckpoint(dir, sampleCheckpoint(1));
    saveCheckpoint(dir, sampleCheckpoint(2));
    expect(loadCheckpoint(dir).episode).toBe(2);
    expect(fs.readdirSync(parent)).toEqual(['checkpoint']);
  });

  // A save writes `.checkpoint.<id>.new` completely, renames `checkpoint` aside to `.old`, renames `.new` into place,
  // then removes `.old`. These are the states a kill at each point leaves; every one must resume.
  describe('after a crash during a save', () => {
    /** Episode 1 saved, then the on-disk state of a save of episode 2 killed at `point`. */
    function crashedSave(point: 'writing' | 'between renames' | 'before removing the old copy'): string {
      const parent = tempDir();
      const dir = path.join(parent, 'checkpoint');
      saveCheckpoint(dir, sampleCheckpoint(1));
      const staging = path.join(parent, 'staging');
      saveCheckpoint(staging, sampleCheckpoint(2));
      const fresh = path.join(parent, '.checkpoint.999-abcd.new');
      const old = path.join(parent, '.checkpoint.999-abcd.old');
      fs.renameSync(staging, fresh);
      if (point === 'writing') fs.rmSync(path.join(fresh, 'model.json')); // the manifest is written last
      if (point === 'between renames') fs.renameSync(dir, old);
      if (point === 'before removing the old copy') {
        fs.renameSync(dir, old);
        fs.renameSync(fresh, dir);
      }
      return dir;
    }

    it.each([
      ['writing', 1],
      ['between renames', 2],
      ['before removing the old copy', 2],
    ] as const)('killed while %s: loads the newest complete checkpoint (episode %i) and cleans up', (point, episode) => {
      const dir = crashedSave(point);
      expect(loadCheckpoint(dir).episode).toBe(episode);
      expect(fs.readdirSync(path.dirname(dir))).toEqual(['checkpoint']);
    });

    it('the next save cleans up what a crash left', () => {
      const dir = crashedSave('writing');
      saveCheckpoint(dir, sampleCheckpoint(3));
      expect(fs.readdirSync(path.dirname(dir))).toEqual(['checkpoint']);
      expect(loadCheckpoint(dir).episode).toBe(3);
    });

    it('a run killed before its first checkpoint has none, and a half-written first one does not count', () => {
      const parent = tempDir();
      expect(checkpointExists(path.join(parent, 'checkpoint'))).toBe(false);
      fs.mkdirSync(path.join(parent, '.checkpoint.12-ab.new'));
      fs.writeFileSync(path.join(parent, '.checkpoint.12-ab.new', 'weights.bin'), new Uint8Array(8));
      expect(checkpointExists(path.join(parent, 'checkpoint'))).toBe(false);
      expect(fs.readdirSync(parent)).toEqual([]);
    });
  });

  it('refuses a checkpoint holding NaN or infinity, naming the weight', () => {
    const dir = path.join(tempDir(), 'checkpoint');
    const damaged = sampleCheckpoint(3);
    damaged.parameters.values.get('memory/w')![4] = -Infinity;
    saveCheckpoint(dir, damaged);
    expect(() => loadCheckpoint(dir)).toThrow(/weights\.bin: "memory\/w" holds -Infinity at index 4 \(of 6 values\)/);
  });

  it('names the file when weights.bin is truncated', () => {
    const dir = path.join(tempDir(), 'checkpoint');
    saveCheckpoint(dir, sampleCheckpoint(3));
    const weights = path.join(dir, 'weights.bin');
    fs.writeFileSync(weights, fs.readFileSync(weights).subarray(0, 10));
    expect(() => loadCheckpoint(dir)).toThrow(/weights\.bin has 10 bytes but its manifest describes 28/);
  });

  it('refuses a checkpoint from a newer version and a folder without one', () => {
    const dir = path.join(tempDir(), 'checkpoint');
    saveCheckpoint(dir, sampleCheckpoint(3));
    const manifestFile = path.join(dir, 'model.json');
    const manifest = JSON.parse(fs.readFileSync(manifestFile, 'utf8'));
    fs.writeFileSync(manifestFile, JSON.stringify({ ...manifest, version: 9 }));
    expect(() => loadCheckpoint(dir)).toThrow(/newer Plasticity Studio \(checkpoint version 9\)/);
    expect(() => loadCheckpoint(path.join(dir, 'nowhere'))).toThrow(/model\.json is missing/);
  });
});

describe('a checkpoint is trusted only as far as it fits its run', () => {
  const names = ['memory/w', 'memory/eta'];

  it('reads data files of its own folder only: a manifest path with ../ is refused', () => {
    const dir = path.join(tempDir(), 'checkpoint');
    saveCheckpoint(dir, sampleCheckpoint(3));
    const manifestFile = path.join(dir, 'model.json');
    const manifest = JSON.parse(fs.readFileSync(manifestFile, 'utf8'));
    manifest.weightsManifest[0].paths = ['../../../etc/passwd'];
    fs.writeFileSync(manifestFile, JSON.stringify(manifest));
    expect(() => loadCheckpoint(dir)).toThrow(/model\.json is not a Plasticity Studio checkpoint: weightsManifest\.0\.paths\.0/);
  });

  it('accepts the checkpoint of its own graph', () => {
    expect(() => checkCheckpointFits(sampleCheckpoint(3), names, 10, 'run/checkpoint')).not.toThrow();
  });

  it('refuses a renamed or missing weight instead of initialising it again', () => {
    expect(() => checkCheckpointFits(sampleCheckpoint(3), ['memory/w', 'memory/alpha'], 10, 'run/checkpoint')).toThrow(
      'run/checkpoint: the checkpoint has no "memory/alpha" and has "memory/eta", which the graph does not; it does not belong to this run\'s graph.',
    );
  });

  it('refuses an episode beyond the run, and a trained checkpoint without Adam’s state', () => {
    expect(() => checkCheckpointFits(sampleCheckpoint(1e9), names, 10, 'c')).toThrow(/saved after episode 1000000000, but the run has only 10 episodes/);
    const noOptimizer = { ...sampleCheckpoint(3), optimizer: undefined };
    expect(() => checkCheckpointFits(noOptimizer, names, 10, 'c')).toThrow(/no optimizer state after 3 episodes; resuming would restart Adam/);
    expect(() => checkCheckpointFits({ ...noOptimizer, episode: 0 }, names, 10, 'c')).not.toThrow();
  });
});

describe('run.json', () => {
  it('a damaged one is named, with what is wrong', async () => {
    const { readRunInfo } = await import('./run-folder.ts');
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, 'run.json'), '{"runId": "x", ');
    expect(() => readRunInfo(dir)).toThrow(new RegExp(`^${path.join(dir, 'run.json').replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')} is damaged: it is not valid JSON`));
  });
});
