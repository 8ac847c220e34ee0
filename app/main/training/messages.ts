// Messages between the training host (main process) and the training process. Both sides validate.
import { z } from 'zod';
import { Backend, EvaluationPoint, GraphDocumentJson, MetricPoint, TrainingProgress } from '../../shared/channels.ts';

export const HostToWorker = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('start'),
    runDir: z.string(),
    document: GraphDocumentJson,
    episodes: z.number().int().positive().optional(),
    seed: z.number().int().optional(),
    backend: Backend.optional(),
    /** Continue the run in `runDir` from its checkpoint (its own graph, seed and planned episodes). */
    resume: z.boolean().optional(),
  }),
  z.object({ type: z.literal('pause') }),
  z.object({ type: z.literal('resume') }),
  z.object({ type: z.literal('stop') }),
]);
export type HostToWorker = z.infer<typeof HostToWorker>;

export const WorkerToHost = z.discriminatedUnion('type', [
  /** Points since the last message (progress is batched so a fast run does not flood the UI). */
  z.object({ type: z.literal('progress'), points: z.array(MetricPoint), progress: TrainingProgress }),
  /** A held-out evaluation just written to the run folder. */
  z.object({ type: z.literal('evaluation'), evaluation: EvaluationPoint }),
  z.object({ type: z.literal('paused') }),
  z.object({ type: z.literal('resumed') }),
  z.object({
    type: z.literal('done'),
    status: z.enum(['finished', 'stopped', 'failed']),
    episodesDone: z.number(),
    error: z.string().optional(),
  }),
]);
export type WorkerToHost = z.infer<typeof WorkerToHost>;
