import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { app } from 'electron';

/** Passed when the OS starts the app at login: it then opens to the tray, without a window. */
export const HIDDEN_AT_LOGIN_FLAG = '--hidden';

export interface LoginItem {
  isEnabled(): boolean;
  setEnabled(enabled: boolean): void;
}

/**
 * Start at login, off until the user turns it on. macOS and Windows keep the setting in the OS
 * (app.setLoginItemSettings); Electron has no Linux support, so there it is an XDG autostart
 * entry (~/.config/autostart), which GNOME, KDE, Xfce and others read.
 */
export function loginItem(platform: NodeJS.Platform = process.platform, env: NodeJS.ProcessEnv = process.env): LoginItem {
  if (platform === 'linux') return xdgAutostart(env);
  return {
    isEnabled: () => app.getLoginItemSettings({ args: [HIDDEN_AT_LOGIN_FLAG] }).openAtLogin,
    setEnabled(enabled) {
      app.setLoginItemSettings({ openAtLogin: enabled, args: [HIDDEN_AT_LOGIN_FLAG] });
    },
  };
}

/** Whether this launch came from the login item (then the window stays closed). */
export function startedAtLogin(argv: readonly string[], platform: NodeJS.Platform = process.platform): boolean {
  if (argv.includes(HIDDEN_AT_LOGIN_FLAG)) return true;
  return platform === 'darwin' && app.getLoginItemSettings().wasOpenedAtLogin === true;
}

function xdgAutostart(env: NodeJS.ProcessEnv): LoginItem {
  const file = join(env.XDG_CONFIG_HOME || join(homedir(), '.config'), 'autostart', 'switchyard.desktop');
  return {
    isEnabled() {
      try {
        return readFileSync(file, 'utf8').includes('X-Switchyard-Autostart=true');
      } catch {
        return false;
      }
    },
    setEnabled(enabled) {
      if (!enabled) {
        rmSync(file, { force: true });
        return;
      }
      // An AppImage's own path is in $APPIMAGE; process.execPath would point into its temporary mount.
      const executable = env.APPIMAGE || process.execPath;
      mkdirSync(join(file, '..'), { recursive: true });
      writeFileSync(
        file,
        [
          '[Desktop Entry]',
          'Type=Application',
          'Name=Switchyard',
          'Comment=Local OpenAI-compatible gateway',
          `Exec=${desktopEntryQuote(executable)} ${HIDDEN_AT_LOGIN_FLAG}`,
          'Terminal=false',
          'X-GNOME-Autostart-enabled=true',
          'X-Switchyard-Autostart=true',
          '',
        ].join('\n'),
      );
    },
  };
}

/** Desktop Entry Specification: quote the argument, escaping ", `, $ and \ inside. */
function desktopEntryQuote(arg: string): string {
  return `"${arg.replace(/(["`$\\])/g, '\\$1')}"`;
}
