import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createGraphDocument, serializeGraphDocument } from '../../../core/graph/document.ts';
import { addNode } from '../../../core/graph/edits.ts';
import { TrainingHost, type TrainerProcess } from '../training/host.ts';
import { createHandlers, dispatch, type AppContext, type HandlerTable } from './index.ts';

let root: string;
let ctx: AppContext;
let table: HandlerTable;
let spawned: { sent: unknown[] }[];

async function call(channel: string, payload: unknown = {}) {
  const answer = await dispatch(table, channel, payload);
  if (!answer.ok) throw new Error(answer.error.message);
  return answer.value as any;
}

function fakeSpawn(): TrainerProcess {
  const record = { sent: [] as unknown[] };
  spawned.push(record);
  return { send: (m) => record.sent.push(m), onMessage() {}, onExit() {}, kill() {} };
}

beforeEach(async () => {
  root = await fs.mkdtemp(path.join(os.tmpdir(), 'handlers-'));
  spawned = [];
  for (const dir of ['data', 'runs', 'templates', 'docs']) await fs.mkdir(path.join(root, dir));
  ctx = {
    mode: 'browser',
    version: '0.0.0-test',
    dataDir: path.join(root, 'data'),
    runsDir: path.join(root, 'runs'),
    templatesDir: path.join(root, 'templates'),
    docsRoot: path.resolve(import.meta.dirname, '../../..'),
    documentsDir: path.join(root, 'docs'),
    training: new TrainingHost({ runsDir: path.join(root, 'runs'), spawn: fakeSpawn }),
  };
  table = createHandlers(ctx);
});
afterEach(() => fs.rm(root, { recursive: true, force: true }));

describe('dispatch', () => {
  it('refuses unknown channels and invalid requests with readable messages', async () => {
    expect(await dispatch(table, 'fs:deleteEverything', {})).toEqual({ ok: false, error: { message: 'Unknown request "fs:deleteEverything".' } });
    const bad = await dispatch(table, 'graph:open', { path: 42 });
    expect(bad.ok).toBe(false);
    expect(!bad.ok && bad.error.message).toMatch(/Invalid "graph:open" request \(path\)/);
    const noDialogs = await dispatch(table, 'dialog:openGraph', {});
    expect(!noDialogs.ok && noDialogs.error.message).toMatch(/not available in this mode/);
  });

  it('answers app:info with the mode and folders', async () => {
    expect(await call('app:info')).toMatchObject({ mode: 'browser', nativeDialogs: false, runsDir: ctx.runsDir });
  });
});

describe('graph files', () => {
  it('saves atomically and opens what it saved; recent files list the newest first', async () => {
    const doc = createGraphDocument('Round trip');
    const first = await call('graph:save', { path: path.join(root, 'docs', 'a'), document: doc });
    expect(first.path).toBe(path.join(root, 'docs', 'a.plastic.json'));
    await call('graph:save', { path: path.join(root, 'docs', 'b.plastic.json'), document: createGraphDocument('B') });
    expect((await fs.readdir(path.join(root, 'docs'))).sort()).toEqual(['a.plastic.json', 'b.plastic.json']); // no temp files left
    expect(await fs.readFile(first.path, 'utf8')).toBe(serializeGraphDocument(doc));

    const opened = await call('graph:open', { path: first.path });
    expect(opened.document).toEqual(doc);
    const recent = (await call('recent:list')).files;
    expect(recent.map((f: any) => f.name)).toEqual(['Round trip', 'B']);
    await call('recent:clear');
    expect((await call('recent:list')).files).toEqual([]);
  });

  it('never writes a file that is not a graph file, and never writes an invalid document', async () => {
    await fs.writeFile(path.join(root, 'docs', 'package.json'), '{"keep": true}');
    await expect(call('graph:save', { path: path.join(root, 'docs', 'package.json'), document: createGraphDocument() })).rejects.toThrow(/end in \.plastic\.json/);
    expect(await fs.readFile(path.join(root, 'docs', 'package.json'), 'utf8')).toBe('{"keep": true}');
    const broken = { ...createGraphDocument(), nodes: [{ id: '' }] };
    await expect(call('graph:save', { path: path.join(root, 'docs', 'x.plastic.json'), document: broken })).rejects.toThrow(/nodes\[0\]/);
  });

  it('explains why a file cannot be opened', async () => {
    await expect(call('graph:open', { path: path.join(root, 'missing.plastic.json') })).rejects.toThrow(/does not exist/);
    await fs.writeFile(path.join(root, 'bad.plastic.json'), '{\n  "format": "plasticity-graph",\n  oops\n}');
    await expect(call('graph:open', { path: path.join(root, 'bad.plastic.json') })).rejects.toThrow(/not valid JSON at line 3/);
  });

  it('lists folders first, then graph files, for the browser file dialog', async () => {
    await fs.mkdir(path.join(root, 'docs', 'sub'));
    await fs.writeFile(path.join(root, 'docs', 'net.plastic.json'), serializeGraphDocument(createGraphDocument()));
    await fs.writeFile(path.join(root, 'docs', 'notes.txt'), '');
    const listing = await call('files:list', {});
    expect(listing.dir).toBe(ctx.documentsDir);
    expect(listing.parent).toBe(root);
    expect(listing.entries.map((e: any) => [e.name, e.isDirectory])).toEqual([['sub', true], ['net.plastic.json', false]]);
  });
});

describe('documents', () => {
  it('reads the guide and the README by name, and nothing else', async () => {
    const guide = await call('docs:read', { name: 'experiments' });
    expect(guide.title).toMatch(/Guide to the paper/);
    expect(guide.markdown).toMatch(/Maze exploration \(§4\.4/);
    expect((await call('docs:read', { name: 'readme' })).markdown).toMatch(/^# Plasticity Studio/);
    await expect(call('docs:read', { name: '../../etc/passwd' })).rejects.toThrow(/Invalid "docs:read" request \(name\)/);
  });
});

describe('the browser mode’s workspace', () => {
  beforeEach(() => {
    table = createHandlers({ ...ctx, workspace: [ctx.documentsDir, ctx.runsDir] });
  });
  const outside = () => path.join(root, 'elsewhere');
  const refused = /is outside the workspace .*--workspace/;

  it('opens, saves and lists inside it, and offers no way up out of it', async () => {
    const saved = await call('graph:save', { path: path.join(ctx.documentsDir, 'sub', 'net'), document: createGraphDocument('Inside') });
    expect(saved.path).toBe(path.join(ctx.documentsDir, 'sub', 'net.plastic.json'));
    expect((await call('graph:open', { path: saved.path })).document.meta.name).toBe('Inside');
    expect((await call('files:list', {})).parent).toBeNull();
    expect((await call('files:list', { dir: path.join(ctx.documentsDir, 'sub') })).parent).toBe(ctx.documentsDir);
  });

  it('refuses every path outside it, through "..", absolute paths and symlinks alike', async () => {
    await fs.mkdir(outside());
    await fs.writeFile(path.join(outside(), 'secret.plastic.json'), serializeGraphDocument(createGraphDocument('Secret')));
    await fs.symlink(outside(), path.join(ctx.documentsDir, 'link'));
    const attempts: [string, unknown][] = [
      ['graph:open', { path: path.join(outside(), 'secret.plastic.json') }],
      ['graph:open', { path: path.join(ctx.documentsDir, '..', 'elsewhere', 'secret.plastic.json') }],
      ['graph:open', { path: path.join(ctx.documentsDir, 'link', 'secret.plastic.json') }],
      ['graph:open', { path: '/etc/passwd' }],
      ['graph:save', { path: path.join(outside(), 'written'), document: createGraphDocument() }],
      ['graph:save', { path: path.join(ctx.documentsDir, 'link', 'written'), document: createGraphDocument() }],
      ['files:list', { dir: '/' }],
      ['files:list', { dir: path.join(ctx.documentsDir, 'link') }],
      ['bundle:open', { path: '/dev/zero' }],
      ['run:export', { runId: 'none', path: path.join(outside(), 'model'), zip: false }],
    ];
    for (const [channel, request] of attempts) await expect(call(channel, request), `${channel} ${JSON.stringify(request)}`).rejects.toThrow(refused);
    expect(await fs.readdir(outside())).toEqual(['secret.plastic.json']);
  });

  it('reads runs only by their id, never a folder above the runs folder', async () => {
    for (const runId of ['..', '.', '../docs', '/etc']) await expect(call('runs:metrics', { runId })).rejects.toThrow(/There is no run/);
  });
});

describe('templates', () => {
  beforeEach(async () => {
    const make = (name: string, description: string) =>
      serializeGraphDocument({ ...createGraphDocument(name), meta: { name, description, expected: { metric: 'signError', below: 0.01, withinEpisodes: 200 } } });
    await fs.writeFile(path.join(ctx.templatesDir, 'a-first.plastic.json'), make('Alpha', 'first'));
    await fs.writeFile(path.join(ctx.templatesDir, 'binary-patterns.plastic.json'), make('Binary patterns', 'the paper'));
    await fs.writeFile(path.join(ctx.templatesDir, 'broken.plastic.json'), '{');
  });

  it('lists valid templates with their description and expected result, the binary-pattern task first', async () => {
    const { templates } = await call('templates:list');
    expect(templates.map((t: any) => t.id)).toEqual(['binary-patterns', 'a-first']);
    expect(templates[0]).toMatchObject({ name: 'Binary patterns', description: 'the paper', expected: { metric: 'signError', below: 0.01 } });
  });

  it('opens a template by id and refuses anything else', async () => {
    expect((await call('templates:open', { id: 'a-first' })).document.meta.name).toBe('Alpha');
    await expect(call('templates:open', { id: '../docs/x' })).rejects.toThrow(/no template named/);
    await expect(call('templates:open', { id: 'nope' })).rejects.toThrow(/no template named/);
  });
});

describe('autosave', () => {
  it('offers back the work of a session that did not close cleanly, but not of a live one', async () => {
    const doc = createGraphDocument('Unsaved work');
    await call('autosave:write', { sessionId: 'tab-a', filePath: null, document: doc });
    await call('autosave:write', { sessionId: 'tab-b', filePath: '/x.plastic.json', document: createGraphDocument('B') });
    // Same process: tab-a sees only its own (a reload), not the live tab-b's.
    expect((await call('autosave:recoverable', { sessionId: 'tab-a' })).records.map((r: any) => r.sessionId)).toEqual(['tab-a']);

    // After a crash the app starts again: a new process sees both.
    const restarted = createHandlers(ctx);
    const answer = await dispatch(restarted, 'autosave:recoverable', { sessionId: 'tab-c' });
    const records = answer.ok ? (answer.value as any).records : [];
    expect(records.map((r: any) => r.name).sort()).toEqual(['B', 'Unsaved work']);
    expect(records.find((r: any) => r.sessionId === 'tab-a').document).toEqual(doc);

    await dispatch(restarted, 'autosave:clear', { sessionId: 'tab-a' });
    const after = await dispatch(restarted, 'autosave:recoverable', { sessionId: 'tab-c' });
    expect(after.ok && (after.value as any).records.map((r: any) => r.sessionId)).toEqual(['tab-b']);
  });

  it('rejects session ids that could escape the autosave folder', async () => {
    await expect(call('autosave:write', { sessionId: '../../evil', filePath: null, document: createGraphDocument() })).rejects.toThrow(/session id/);
  });
});

describe('runs', () => {
  async function makeRunFolder(runId: string, startedAt: string, losses: number[]) {
    const dir = path.join(ctx.runsDir, runId);
    await fs.mkdir(dir);
    await fs.writeFile(path.join(dir, 'graph.plastic.json'), serializeGraphDocument(createGraphDocument(`Graph ${runId}`)));
    await fs.writeFile(
      path.join(dir, 'run.json'),
      JSON.stringify({ runId, status: 'finished', seed: 3, episodes: losses.length, episodesDone: losses.length, batchSize: 1, backend: 'wasm', versions: {}, startedAt, finishedAt: startedAt }),
    );
    await fs.writeFile(path.join(dir, 'metrics.jsonl'), losses.map((loss, i) => JSON.stringify({ episode: i + 1, loss, signError: loss / 10, seconds: 0.1 }) + '\n').join('') + '{"torn');
  }

  it('lists run folders newest first with their last loss, and live runs before them', async () => {
    await makeRunFolder('old', '2024-01-01T00:00:00Z', [3, 2]);
    await makeRunFolder('new', '2024-02-01T00:00:00Z', [5, 4, 1.5]);
    await fs.mkdir(path.join(ctx.runsDir, 'not-a-run'));
    const live = await call('training:start', { document: createGraphDocument('Live one'), episodes: 5 });
    const { runs } = await call('runs:list');
    expect(runs.map((r: any) => r.runId)).toEqual([live.runId, 'new', 'old']);
    expect(runs[0]).toMatchObject({ live: true, status: 'running', name: 'Live one' });
    expect(runs[1]).toMatchObject({ name: 'Graph new', lastLoss: 1.5, backend: 'wasm', seed: 3, live: false });
  });

  it('continues a stopped run in its own folder from its checkpoint, and refuses one that trained all its episodes', async () => {
    await makeRunFolder('done', '2024-01-01T00:00:00Z', [3, 2]);
    await expect(call('training:continue', { runId: 'done' })).rejects.toThrow(/is finished with all its episodes; only a stopped or failed run/);
    await makeRunFolder('halted', '2024-01-02T00:00:00Z', [3, 2]);
    const info = JSON.parse(await fs.readFile(path.join(ctx.runsDir, 'halted', 'run.json'), 'utf8'));
    await fs.writeFile(path.join(ctx.runsDir, 'halted', 'run.json'), JSON.stringify({ ...info, status: 'stopped', episodes: 10 }));
    expect(await call('training:continue', { runId: 'halted' })).toEqual({ runId: 'halted', dir: path.join(ctx.runsDir, 'halted') });
    expect(spawned.at(-1)!.sent[0]).toMatchObject({ type: 'start', runDir: path.join(ctx.runsDir, 'halted'), resume: true });
    expect((await call('runs:list')).runs.filter((r: any) => r.runId === 'halted')).toMatchObject([{ live: true, status: 'running', episodesDone: 2, episodes: 10 }]);
    await expect(call('training:continue', { runId: 'halted' })).rejects.toThrow(/halted is running|already training/);
  });

  it('reads a run\'s metrics grouped by name, skipping a torn last line', async () => {
    await makeRunFolder('r1', '2024-01-01T00:00:00Z', [3, 2]);
    const metrics = await call('runs:metrics', { runId: 'r1' });
    expect(metrics.metricNames).toEqual(['signError']);
    expect(metrics.points).toEqual([
      { episode: 1, loss: 3, metrics: { signError: 0.3 } },
      { episode: 2, loss: 2, metrics: { signError: 0.2 } },
    ]);
    await expect(call('runs:metrics', { runId: 'gone' })).rejects.toThrow(/no longer exists/);
    await expect(call('runs:metrics', { runId: '../..' })).rejects.toThrow(/no run/);
  });
});

describe('training requests', () => {
  it('starts, pauses, resumes and stops through the training host', async () => {
    const { runId } = await call('training:start', { document: createGraphDocument('T'), episodes: 7, backend: 'cpu' });
    expect(spawned[0].sent[0]).toMatchObject({ type: 'start', episodes: 7, backend: 'cpu' });
    await call('training:pause', { runId });
    await call('training:resume', { runId });
    await call('training:stop', { runId });
    expect(spawned[0].sent.map((m: any) => m.type)).toEqual(['start', 'pause', 'resume', 'stop']);
    await expect(call('training:pause', { runId: 'nope' })).rejects.toThrow(/no active run nope/);
  });

  it('refuses to train a graph whose dataset is missing, naming the node, before any run folder exists', async () => {
    const doc = addNode(createGraphDocument('No data'), { kind: 'OmniglotEpisode', id: 'omniglot', position: { x: 0, y: 0 }, params: { dataFolder: path.join(root, 'nowhere') } });
    await expect(call('training:start', { document: doc })).rejects.toThrow(/Node "omniglot" \(Omniglot few-shot\): Omniglot is not in the folder "dataFolder" names/);
    expect(await fs.readdir(ctx.runsDir)).toEqual([]);
    expect(spawned).toHaveLength(0);
  });

  it('refuses to train an invalid document', async () => {
    await expect(call('training:start', { document: { format: 'plasticity-graph', version: 1, training: { episodes: -1 } } })).rejects.toThrow(/training\.episodes/);
    expect(spawned).toHaveLength(0);
  });
});
