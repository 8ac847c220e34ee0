// What a task looks like at one step of a recorded episode, as plain data for the task views: the patterns and
// the completion, the images and the reconstruction, the Omniglot drawings and the predicted probabilities,
// the maze and the agent's path. Read from the recording only (its ports, its views and its graph's wiring).
import type { EpisodeRecording } from '../../shared/channels.ts';

export interface Series {
  shape: number[];
  /** [T, ...shape] (one episode). */
  values: Float32Array;
}

export interface DecodedRecording {
  steps: number;
  nodes: EpisodeRecording['nodes'];
  port(name: string): Series | undefined;
  view(name: string): Series | undefined;
}

const size = (shape: number[]) => shape.reduce((a, b) => a * b, 1);

/** A recording's base64 little-endian float32 array. */
export function decodeFloats(base64: string): Float32Array {
  const text = atob(base64);
  const bytes = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
  return new Float32Array(bytes.buffer);
}

/** The recording's ports and views decoded once, looked up by name. */
export function decodeRecording(recording: EpisodeRecording): DecodedRecording {
  const decode = (list: { name: string; shape: number[]; values: string }[]) => new Map(list.map((p) => [p.name, { shape: p.shape, values: decodeFloats(p.values) }]));
  const ports = decode(recording.ports);
  const views = decode(recording.views);
  return { steps: recording.steps, nodes: recording.nodes, port: (name) => ports.get(name), view: (name) => views.get(name) };
}

/** One step's values of a series, [shape]. */
export function atStep(series: Series, t: number): Float32Array {
  const width = size(series.shape);
  return series.values.subarray(t * width, (t + 1) * width);
}

/** The port the graph's loss compares with its target: what the network answered. */
export function predictionPort(recording: DecodedRecording): string | undefined {
  for (const node of recording.nodes) if (node.inputs.prediction && node.inputs.target) return node.inputs.prediction;
  return undefined;
}

export type TaskScene =
  | { task: 'patterns'; bits: number; inputs: Float32Array[]; target: Float32Array; answer: Float32Array | null; wrongBits: number | null }
  | { task: 'images'; side: number; shown: Float32Array; target: Float32Array; answer: Float32Array | null }
  | { task: 'omniglot'; side: number; drawings: { image: Float32Array; label: number | null }[]; current: number; answerClass: number | null; probabilities: Float32Array | null }
  | { task: 'maze'; side: number; walls: Float32Array; path: number[]; rewardCell: number; rewardsSoFar: number; rewardsTaken: number };

const sourceKinds = ['BinaryPatternEpisode', 'ImageEpisode', 'OmniglotEpisode', 'MazeEnvironment'] as const;

function argmax(values: ArrayLike<number>): number {
  let best = 0;
  for (let k = 1; k < values.length; k++) if (values[k] > values[best]) best = k;
  return best;
}

/** The task at step t (0-based), or null when the graph's source has no view. */
export function taskScene(recording: DecodedRecording, t: number): TaskScene | null {
  const source = recording.nodes.find((n) => (sourceKinds as readonly string[]).includes(n.kind));
  if (!source) return null;
  const port = (name: string) => recording.port(`${source.id}/${name}`);
  const predicted = predictionPort(recording);
  const answer = predicted ? recording.port(predicted) : undefined;
  switch (source.kind) {
    case 'BinaryPatternEpisode': {
      const input = port('input');
      const target = port('target');
      if (!input || !target) return null;
      const bits = size(target.shape);
      const inputs = Array.from({ length: t + 1 }, (_, k) => atStep(input, k).subarray(0, bits));
      const completion = answer ? atStep(answer, t).subarray(0, bits) : null;
      const goal = atStep(target, t);
      let wrong = 0;
      if (completion) for (let k = 0; k < bits; k++) if (Math.sign(completion[k]) !== Math.sign(goal[k])) wrong++;
      return { task: 'patterns', bits, inputs, target: goal, answer: completion, wrongBits: completion ? wrong : null };
    }
    case 'ImageEpisode': {
      const input = port('input');
      const target = port('target');
      if (!input || !target) return null;
      const pixels = size(target.shape);
      const side = Math.round(Math.sqrt(pixels));
      return { task: 'images', side, shown: atStep(input, t).subarray(0, pixels), target: atStep(target, t), answer: answer ? atStep(answer, t).subarray(0, pixels) : null };
    }
    case 'OmniglotEpisode': {
      const image = port('image');
      const label = port('label');
      const target = port('target');
      if (!image || !label || !target) return null;
      const drawings = Array.from({ length: recording.steps }, (_, k) => {
        const oneHot = atStep(label, k);
        return { image: atStep(image, k), label: oneHot.some((v) => v > 0) ? argmax(oneHot) : null };
      });
      return {
        task: 'omniglot',
        side: image.shape[image.shape.length - 1],
        drawings,
        current: t,
        // Unknown (all zero) in the sandbox, where the user's query has no class.
        answerClass: atStep(target, t).some((v) => v > 0) ? argmax(atStep(target, t)) : null,
        probabilities: answer ? atStep(answer, t) : null,
      };
    }
    case 'MazeEnvironment': {
      const walls = recording.view(`${source.id}/walls`);
      const agent = recording.view(`${source.id}/agentCell`);
      const rewardCell = recording.view(`${source.id}/rewardCell`);
      const reward = port('reward');
      if (!walls || !agent || !rewardCell || !reward) return null;
      const rewards = Array.from({ length: t + 1 }, (_, k) => atStep(reward, k)[0]);
      return {
        task: 'maze',
        side: walls.shape[0],
        walls: walls.values,
        path: Array.from({ length: t + 1 }, (_, k) => agent.values[k]),
        rewardCell: rewardCell.values[t],
        rewardsSoFar: rewards.reduce((a, b) => a + b, 0),
        rewardsTaken: rewards.filter((r) => r > 0).length,
      };
    }
  }
  return null;
}
