// Crash recovery. Each editor session (a window, a browser tab) autosaves its unsaved document under its own
// id and clears it when the work is saved or knowingly discarded. Whatever is left behind by a session that
// is not running in this process (the app or a tab crashed) is offered back at the next start.
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { AutosaveRecord, type GraphDocumentJson } from '../../shared/channels.ts';
import { readJsonIfPresent, writeFileAtomic } from './atomic-write.ts';
import { UserError } from './user-error.ts';

export class AutosaveStore {
  /** Sessions seen by this process: their autosaves belong to someone still at work. */
  private readonly liveSessions = new Set<string>();

  constructor(private readonly dir: string) {}

  private fileFor(sessionId: string): string {
    if (!/^[\w-]{1,100}$/.test(sessionId)) throw new UserError('Invalid editor session id.');
    return path.join(this.dir, `${sessionId}.json`);
  }

  async write(sessionId: string, filePath: string | null, document: GraphDocumentJson, now = new Date()): Promise<string> {
    this.liveSessions.add(sessionId);
    const meta = (document as { meta?: { name?: unknown } }).meta;
    const record: AutosaveRecord = {
      sessionId,
      filePath,
      name: typeof meta?.name === 'string' ? meta.name : 'Untitled',
      savedAt: now.toISOString(),
      document,
    };
    await writeFileAtomic(this.fileFor(sessionId), JSON.stringify(record) + '\n');
    return record.savedAt;
  }

  async clear(sessionId: string): Promise<void> {
    await fs.rm(this.fileFor(sessionId), { force: true });
  }

  /**
   * Records a session may take over: its own (the tab was reloaded) and those of sessions this process has
   * never seen (left by a crash). Taking one over is done by the caller: it writes its own autosave and clears the old one.
   */
  async recoverable(sessionId: string): Promise<AutosaveRecord[]> {
    this.liveSessions.add(sessionId);
    let names: string[];
    try {
      names = (await fs.readdir(this.dir)).filter((n) => n.endsWith('.json'));
    } catch {
      return [];
    }
    const records: AutosaveRecord[] = [];
    for (const name of names) {
      const parsed = AutosaveRecord.safeParse(await readJsonIfPresent(path.join(this.dir, name)));
      if (!parsed.success) continue;
      const record = parsed.data;
      if (record.sessionId !== sessionId && this.liveSessions.has(record.sessionId)) continue;
      records.push(record);
    }
    return records.sort((a, b) => b.savedAt.localeCompare(a.savedAt));
  }
}
