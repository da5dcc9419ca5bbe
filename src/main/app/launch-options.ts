/** Where the in-process gateway keeps its data and which port it binds (DESIGN.md §2). */
export interface LaunchOptions {
  dataDir: string;
  port: number;
}

type LaunchEnv = Partial<Record<'SWITCHYARD_DATA_DIR' | 'SWITCHYARD_PORT', string>>;

export function resolveLaunchOptions(env: LaunchEnv, userDataPath: string): LaunchOptions {
  return {
    dataDir: env.SWITCHYARD_DATA_DIR || userDataPath,
    port: parsePort(env.SWITCHYARD_PORT),
  };
}

/** Port 0 lets the OS pick a free port, so two users or a stale process never collide. */
function parsePort(raw: string | undefined): number {
  if (raw === undefined || raw.trim() === '') return 0;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) {
    throw new Error(`SWITCHYARD_PORT must be an integer between 0 and 65535, got "${raw}"`);
  }
  return port;
}
