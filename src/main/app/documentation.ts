import { join } from 'node:path';
import { app, shell } from 'electron';

/**
 * Help opens the README shipped inside the app (electron-builder extraResources: docs/), so it
 * works offline and matches the installed version; in development, the checkout's README.
 */
export function documentationPath(): string {
  return app.isPackaged ? join(process.resourcesPath, 'docs', 'README.md') : join(app.getAppPath(), 'README.md');
}

export function openDocumentation(): void {
  void shell.openPath(documentationPath()).then((failure) => {
    if (failure) console.error(`Switchyard: could not open the documentation: ${failure}`);
  });
}
