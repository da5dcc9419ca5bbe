import { homedir } from 'node:os';
import { join } from 'node:path';

/** DESIGN.md §2: SWITCHYARD_DATA_DIR, else the platform's per-user config folder. */
export function defaultDataDir(env: NodeJS.ProcessEnv = process.env, platform = process.platform): string {
  if (env.SWITCHYARD_DATA_DIR) return env.SWITCHYARD_DATA_DIR;
  if (platform === 'win32') return join(env.APPDATA ?? join(homedir(), 'AppData', 'Roaming'), 'switchyard');
  if (platform === 'darwin') return join(homedir(), 'Library', 'Application Support', 'switchyard');
  return join(env.XDG_CONFIG_HOME ?? join(homedir(), '.config'), 'switchyard');
}

export const usageDbPath = (dataDir: string) => join(dataDir, 'usage.db');
export const serverInfoPath = (dataDir: string) => join(dataDir, 'server.json');
export const dataDirLockPath = (dataDir: string) => join(dataDir, 'gateway.lock');
