import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { BrowserWindow, Rectangle } from 'electron';
import { z } from 'zod';

const savedStateSchema = z.object({
  x: z.number().int(),
  y: z.number().int(),
  width: z.number().int().positive(),
  height: z.number().int().positive(),
  maximized: z.boolean(),
});
export type WindowState = z.infer<typeof savedStateSchema>;

export interface WindowPlacement {
  bounds: { width: number; height: number; x?: number; y?: number };
  maximized: boolean;
}

/** Saving on every move/resize event would write dozens of times a second while dragging. */
const SAVE_DELAY_MS = 500;
/** How much of the title bar must lie on a display for the saved position to be reachable. */
const MIN_VISIBLE_PX = 64;

/**
 * Where the window opens: where it was last closed, unless that spot is no longer on any display
 * (a monitor was unplugged), then the default size, centred by Electron.
 */
export function restorePlacement(
  file: string,
  workAreas: readonly Rectangle[],
  defaults: { width: number; height: number },
): WindowPlacement {
  const saved = readState(file);
  if (!saved || !workAreas.some((area) => titleBarVisibleOn(saved, area))) {
    return { bounds: { ...defaults }, maximized: false };
  }
  const { x, y, width, height, maximized } = saved;
  return { bounds: { x, y, width, height }, maximized };
}

/** Remembers the window's normal (unmaximised) bounds and whether it was maximised. */
export function rememberPlacement(window: BrowserWindow, file: string): void {
  let timer: NodeJS.Timeout | undefined;
  const save = () => {
    clearTimeout(timer);
    timer = undefined;
    if (window.isDestroyed()) return;
    writeState(file, { ...window.getNormalBounds(), maximized: window.isMaximized() });
  };
  const later = () => {
    clearTimeout(timer);
    timer = setTimeout(save, SAVE_DELAY_MS);
  };
  window.on('resize', later);
  window.on('move', later);
  window.on('maximize', later);
  window.on('unmaximize', later);
  window.on('close', save);
}

function readState(file: string): WindowState | undefined {
  try {
    const parsed = savedStateSchema.safeParse(JSON.parse(readFileSync(file, 'utf8')));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

function writeState(file: string, state: WindowState): void {
  try {
    mkdirSync(dirname(file), { recursive: true });
    // Written aside and renamed, so a crash mid-write never leaves a half file behind.
    writeFileSync(`${file}.tmp`, JSON.stringify(state));
    renameSync(`${file}.tmp`, file);
  } catch (err) {
    console.error('Switchyard: could not remember the window position', err);
  }
}

function titleBarVisibleOn(state: WindowState, area: Rectangle): boolean {
  const overlapX = Math.min(state.x + state.width, area.x + area.width) - Math.max(state.x, area.x);
  const titleBarInside = state.y >= area.y && state.y + MIN_VISIBLE_PX / 2 <= area.y + area.height;
  return overlapX >= MIN_VISIBLE_PX && titleBarInside;
}
