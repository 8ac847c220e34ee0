// A stand-in for core/train's trainGraph with the same options and run folder, fast and controllable through
// environment variables, so the training host and process can be tested without real training.
//   FAKE_EPISODE_MS        time per episode (default 5)
//   FAKE_CRASH_AT_EPISODE  the process exits abruptly after this episode
import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { GraphDocument } from '../../../../core/graph/document.ts';
import type { TrainOptions, TrainingResult } from '../../../../core/train/trainer.ts';

export async function trainGraph(doc: GraphDocument, options: TrainOptions): Promise<TrainingResult> {
  const episodes = options.episodes ?? doc.training.episodes;
  const episodeMs = Number(process.env.FAKE_EPISODE_MS ?? 5);
  const crashAt = Number(process.env.FAKE_CRASH_AT_EPISODE ?? 0);
  const dir = options.outDir;
  await fs.mkdir(path.join(dir, 'checkpoint'), { recursive: true });
  await fs.writeFile(path.join(dir, 'graph.plastic.json'), JSON.stringify(doc));
  const info = { runId: path.basename(dir), status: 'running', seed: 0, episodes, episodesDone: 0, batchSize: 1, backend: 'fake', versions: {}, startedAt: new Date().toISOString() };
  await fs.writeFile(path.join(dir, 'run.json'), JSON.stringify(info));
  let episode = 0;
  let status: TrainingResult['status'] = 'finished';
  const started = Date.now();
  while (episode < episodes) {
    await options.between?.();
    if (options.signal?.aborted) {
      status = 'stopped';
      break;
    }
    await new Promise((resolve) => setTimeout(resolve, episodeMs));
    episode += 1;
    const loss = 1 / episode;
    await fs.appendFile(path.join(dir, 'metrics.jsonl'), JSON.stringify({ episode, loss, signError: loss / 2, seconds: episodeMs / 1000 }) + '\n');
    options.onProgress?.({ runDir: dir, episode, episodes, loss, metrics: { signError: loss / 2 }, episodesPerSecond: 1000 / episodeMs, etaSeconds: ((episodes - episode) * episodeMs) / 1000, elapsedSeconds: (Date.now() - started) / 1000, backend: 'fake' });
    if (episode === crashAt) process.exit(3);
  }
  await fs.writeFile(path.join(dir, 'checkpoint', 'model.json'), JSON.stringify({ episode }));
  await fs.writeFile(path.join(dir, 'run.json'), JSON.stringify({ ...info, status, episodesDone: episode, finishedAt: new Date().toISOString() }));
  return { runDir: dir, status, episodesDone: episode, lastLoss: episode ? 1 / episode : null, lastMetrics: {}, backend: 'fake' };
}
