// A JSON import, so each bundle (the CLI build, the Electron build) carries the version inline
// instead of looking for package.json at a path that differs between source and bundles.
import packageJson from '../../../package.json' with { type: 'json' };

export const VERSION: string = packageJson.version;
