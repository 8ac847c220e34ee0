// The browser mode's workspace: every path a request names must lie inside the folder the user chose
// (`plasticity serve --workspace`, by default the folder it was started in), so that a page holding the
// token still cannot read, list or write the rest of the disk. Electron needs no such fence: its paths
// come from native dialogs the user answered.
import fs from 'node:fs';
import path from 'node:path';
import { UserError } from './user-error.ts';

/** The real path of `target`, following symlinks in the part that exists (a new file's folder must exist). */
function realPathOfNearest(target: string): string {
  let existing = target;
  const rest: string[] = [];
  while (!fs.existsSync(existing)) {
    const parent = path.dirname(existing);
    if (parent === existing) break;
    rest.unshift(path.basename(existing));
    existing = parent;
  }
  return path.join(fs.realpathSync(existing), ...rest);
}

export function isInside(folder: string, target: string): boolean {
  const relative = path.relative(folder, target);
  return relative === '' || (!relative.startsWith('..') && !path.isAbsolute(relative));
}

/** `requested` made absolute and real; a UserError naming it when it lies outside every one of `roots`. */
export function confineToWorkspace(requested: string, roots: readonly string[]): string {
  const absolute = realPathOfNearest(path.resolve(requested));
  if (roots.some((root) => isInside(realPathOfNearest(path.resolve(root)), absolute))) return absolute;
  throw new UserError(`${requested} is outside the workspace (${roots[0]}): the browser mode only opens, lists and saves files there. Start it with --workspace <folder> to work elsewhere.`);
}
