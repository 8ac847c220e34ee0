// The "Open Recent" list: the last files opened or saved, newest first, kept in the app's data folder.
import path from 'node:path';
import { z } from 'zod';
import { RecentFile } from '../../shared/channels.ts';
import { readJsonIfPresent, writeFileAtomic } from './atomic-write.ts';

const MAX_RECENT = 10;
const RecentList = z.array(RecentFile);

export class RecentFiles {
  constructor(private readonly file: string) {}

  async list(): Promise<RecentFile[]> {
    const parsed = RecentList.safeParse(await readJsonIfPresent(this.file));
    return parsed.success ? parsed.data : [];
  }

  async add(filePath: string, name = path.basename(filePath), now = new Date()): Promise<void> {
    const others = (await this.list()).filter((f) => f.path !== filePath);
    const files = [{ path: filePath, name, openedAt: now.toISOString() }, ...others].slice(0, MAX_RECENT);
    await writeFileAtomic(this.file, JSON.stringify(files, null, 2) + '\n');
  }

  async clear(): Promise<void> {
    await writeFileAtomic(this.file, '[]\n');
  }
}
