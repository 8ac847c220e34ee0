// Versions recorded with every run and export, so a result can be traced to the software that made it.
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

function packageVersion(name: string): string {
  try {
    return (require(`${name}/package.json`) as { version: string }).version;
  } catch {
    return 'absent';
  }
}

export function softwareVersions(): Record<string, string> {
  return {
    plasticityStudio: (require('../../package.json') as { version: string }).version,
    tfjs: packageVersion('@tensorflow/tfjs'),
    node: process.versions.node,
  };
}
