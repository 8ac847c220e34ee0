// The episode inspector's data: `plasticity record` run in a process of its own (recording builds and runs the
// network, which must not block the app's main process), its JSON read back.
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { cliProcess } from '../../../core/cli/cli-process.ts';
import type { EpisodeRecording } from '../../shared/channels.ts';
import { UserError } from './user-error.ts';

const execute = promisify(execFile);

/**
 * A held-out episode (`seed`), or with `custom` the user's own (the sandbox: a data source's values by port, or
 * an environment's world); `background` records at the lowest CPU priority, so that a preview never slows the
 * training beside it.
 */
export async function recordEpisodeOf(
  source: string,
  episode: { seed: number; custom?: { outputs?: Record<string, number[]>; environment?: Record<string, unknown> }; background?: boolean },
  cliEntry?: string,
): Promise<EpisodeRecording> {
  const work = await mkdtemp(path.join(os.tmpdir(), 'plasticity-record-'));
  const out = path.join(work, 'episode.json');
  try {
    const args = ['record', source, '--out', out, '--seed', String(episode.seed)];
    if (episode.custom) {
      const file = path.join(work, 'custom-episode.json');
      await writeFile(file, JSON.stringify({ format: 'plasticity-custom-episode', version: 1, ...episode.custom }));
      args.push('--episode', file);
    }
    const command = cliProcess(args, { entry: cliEntry });
    const recorded = execute(command.file, command.args, { env: command.env, maxBuffer: 16 * 1024 * 1024 });
    if (episode.background && recorded.child.pid !== undefined) {
      try {
        os.setPriority(recorded.child.pid, 19);
      } catch {
        // Not allowed here (some sandboxes): the preview then simply runs at normal priority.
      }
    }
    await recorded;
    return JSON.parse(await readFile(out, 'utf8')) as EpisodeRecording; // checked against the channel's schema on the way out
  } catch (error) {
    const stderr = (error as { stderr?: string }).stderr?.trim();
    throw new UserError(`Could not record an episode of ${path.basename(source)}: ${stderr || (error as Error).message}`);
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}
