/**
 * Links in the desktop window (issue 11: markdown links open in the system browser): a link
 * that opens a window goes to the system browser when it is http(s) and nowhere otherwise, the
 * app never opens a second window of its own, and the window never navigates away from the
 * gateway. Electron is faked (its binary is not installed here).
 */
import { EventEmitter } from 'node:events';
import { describe, expect, it, vi } from 'vitest';
import { fakeElectron } from './helpers/fake-electron.js';

vi.mock('electron', async () => (await import('./helpers/fake-electron.js')).fakeElectron());

const { hardenWebContents } = await import('../src/main/app/harden-web-contents.js');

type OpenHandler = (details: { url: string }) => { action: string };
const GATEWAY = 'http://127.0.0.1:4141';

function hardenedContents() {
  const contents = Object.assign(new EventEmitter(), { setWindowOpenHandler: vi.fn() });
  hardenWebContents(contents as never, GATEWAY);
  const [openHandler] = contents.setWindowOpenHandler.mock.calls[0] as [OpenHandler];
  return { contents, openHandler };
}

describe('links in the desktop window', () => {
  it('opens http(s) links in the system browser, refuses every other scheme, and never opens an app window', () => {
    const { openHandler } = hardenedContents();
    const openExternal = fakeElectron().shell.openExternal;
    openExternal.mockClear();
    const urls = ['https://example.com/docs?q=1', 'http://example.org/', 'javascript:alert(1)', 'file:///etc/passwd', 'data:text/html,<b>x</b>', 'not a url', 'smb://host/share'];
    for (const url of urls) expect(openHandler({ url })).toEqual({ action: 'deny' });
    expect((openExternal.mock.calls as unknown as [string][]).map(([url]) => url)).toEqual(['https://example.com/docs?q=1', 'http://example.org/']);
  });

  it('keeps the window on the gateway: navigation and redirects elsewhere are stopped', () => {
    const { contents } = hardenedContents();
    for (const event of ['will-navigate', 'will-redirect']) {
      const away = { url: 'https://example.com/', preventDefault: vi.fn() };
      const home = { url: `${GATEWAY}/chat/1`, preventDefault: vi.fn() };
      contents.emit(event, away);
      contents.emit(event, home);
      expect(away.preventDefault, event).toHaveBeenCalled();
      expect(home.preventDefault, event).not.toHaveBeenCalled();
    }
  });
});
