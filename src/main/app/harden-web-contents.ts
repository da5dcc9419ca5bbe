import { shell, type Session, type WebContents } from 'electron';

/**
 * The window only ever shows the local gateway's own pages. Anything else is either
 * handed to the system browser (plain http(s) links) or refused.
 */
export function hardenWebContents(contents: WebContents, gatewayOrigin: string): void {
  contents.setWindowOpenHandler(({ url }) => {
    openExternally(url);
    return { action: 'deny' };
  });

  contents.on('will-navigate', (event) => {
    if (originOf(event.url) !== gatewayOrigin) event.preventDefault();
  });

  contents.on('will-redirect', (event) => {
    if (originOf(event.url) !== gatewayOrigin) event.preventDefault();
  });

  contents.on('will-attach-webview', (event) => {
    event.preventDefault();
  });
}

/** No camera, notifications, clipboard reads, geolocation…: the UI needs none of them. */
export function denyAllPermissions(session: Session): void {
  session.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  session.setPermissionCheckHandler(() => false);
  session.setDevicePermissionHandler(() => false);
}

function openExternally(url: string): void {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return;
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') return;
  shell.openExternal(parsed.href).catch((err: unknown) => {
    console.error('Switchyard: could not open link externally', err);
  });
}

function originOf(url: string): string | undefined {
  try {
    return new URL(url).origin;
  } catch {
    return undefined;
  }
}
