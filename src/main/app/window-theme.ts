import { nativeTheme, type BrowserWindow } from 'electron';

/**
 * The UI's page background (--bg in src/renderer/styles/base.css) for each colour scheme. The
 * window is painted with it before the page loads, so dark mode never flashes white.
 */
export const WINDOW_BACKGROUND = { light: '#f6f7f9', dark: '#0b0d10' } as const;

export function windowBackground(): string {
  return nativeTheme.shouldUseDarkColors ? WINDOW_BACKGROUND.dark : WINDOW_BACKGROUND.light;
}

/** Keeps the window's own background in step when the system switches theme while it is open. */
export function followThemeBackground(window: BrowserWindow): void {
  const update = () => {
    if (!window.isDestroyed()) window.setBackgroundColor(windowBackground());
  };
  nativeTheme.on('updated', update);
  window.once('closed', () => nativeTheme.off('updated', update));
}
