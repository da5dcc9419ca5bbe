import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import type { ServeProcess } from './cli.js';
import type { MockUpstream } from './mock-upstream.js';

export interface LaunchedBrowser {
  page: Page;
  context: BrowserContext;
  close(): Promise<void>;
}

const CHROMIUM_PATH = '/usr/bin/chromium';

// Quiet, offline-friendly Chromium: no background services may reach beyond 127.0.0.1.
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-sync',
  '--disable-component-update',
  '--disable-quic',
];

/** Headless Chromium with a throwaway profile; `close()` removes the profile too. */
export async function launchBrowser(viewport = { width: 1280, height: 900 }): Promise<LaunchedBrowser> {
  const profileDir = mkdtempSync(join(tmpdir(), 'switchyard-chromium-'));
  let context: BrowserContext;
  try {
    context = await chromium.launchPersistentContext(profileDir, {
      executablePath: CHROMIUM_PATH,
      headless: true,
      args: CHROMIUM_ARGS,
      viewport,
      colorScheme: 'light',
      locale: 'en-US',
      timezoneId: 'UTC',
    });
  } catch (err) {
    rmSync(profileDir, { recursive: true, force: true });
    throw err;
  }
  const page = context.pages()[0] ?? (await context.newPage());
  return {
    page,
    context,
    async close() {
      try {
        await context.close();
      } finally {
        rmSync(profileDir, { recursive: true, force: true });
      }
    },
  };
}

/** What a browser test against `serve` started, taken down in order: browser, serve (if still running), upstreams, temp dirs. */
export async function closeBrowserTest(parts: {
  browser: LaunchedBrowser | undefined;
  serve: ServeProcess | undefined;
  upstreams: (MockUpstream | undefined)[];
  dirs: (string | undefined)[];
}): Promise<void> {
  await parts.browser?.close();
  if (parts.serve?.child.exitCode === null) await parts.serve.stop();
  for (const upstream of parts.upstreams) await upstream?.close();
  for (const dir of parts.dirs) if (dir) rmSync(dir, { recursive: true, force: true });
}
