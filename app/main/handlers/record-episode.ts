// The episode inspector's data: `plasticity record` run in a process of its own (recording builds and runs the
// network, which must not block the app's main process), its JSON read back.
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { cliProcess } from '../../../core/cli/cli-process.ts';
import type { EpisodeRecording } from '../../shared/channels.ts';
import { UserError } from './user-error.ts';

const execute = promisify(execFile);

export async function recordEpisodeOf(runDir: string, seed: number, cliEntry?: string): Promise<EpisodeRecording> {
  const work = await mkdtemp(path.join(os.tmpdir(), 'plasticity-record-'));
  const out = path.join(work, 'episode.json');
  try {
    const command = cliProcess(['record', runDir, '--out', out, '--seed', String(seed)], { entry: cliEntry });
    await execute(command.file, command.args, { env: command.env, maxBuffer: 16 * 1024 * 1024 });
    return JSON.parse(await readFile(out, 'utf8')) as EpisodeRecording; // checked against the channel's schema on the way out
  } catch (error) {
    const stderr = (error as { stderr?: string }).stderr?.trim();
    throw new UserError(`Could not record an episode of ${path.basename(runDir)}: ${stderr || (error as Error).message}`);
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}
