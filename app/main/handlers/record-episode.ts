// The episode inspector's data: `plasticity record` run in a process of its own (recording builds and runs the
// network, which must not block the app's main process), its JSON read back.
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { repoRoot } from '../app-paths.ts';
import type { EpisodeRecording } from '../../shared/channels.ts';
import { UserError } from './user-error.ts';

const execute = promisify(execFile);

export async function recordEpisodeOf(runDir: string, seed: number, cliEntry = path.join(repoRoot, 'bin', 'plasticity.js')): Promise<EpisodeRecording> {
  const work = await mkdtemp(path.join(os.tmpdir(), 'plasticity-record-'));
  const out = path.join(work, 'episode.json');
  try {
    await execute(process.execPath, [cliEntry, 'record', runDir, '--out', out, '--seed', String(seed)], {
      env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' },
      maxBuffer: 16 * 1024 * 1024,
    });
    return JSON.parse(await readFile(out, 'utf8')) as EpisodeRecording; // checked against the channel's schema on the way out
  } catch (error) {
    const stderr = (error as { stderr?: string }).stderr?.trim();
    throw new UserError(`Could not record an episode of ${path.basename(runDir)}: ${stderr || (error as Error).message}`);
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}
