// electron-builder afterPack hook: flips the Electron fuses of the packaged binary before it is
// signed (signing comes after afterPack, so the signature covers the flipped fuses).
import { join } from 'node:path';
import { flipFuses, FuseV1Options, FuseVersion } from '@electron/fuses';
import builder from 'electron-builder';

/** What the packaged app may do, whatever its environment or command line says. */
export const SWITCHYARD_FUSES = {
  // ELECTRON_RUN_AS_NODE would turn the signed app into a general-purpose Node interpreter.
  [FuseV1Options.RunAsNode]: false,
  // NODE_OPTIONS could inject code (--require) into the main process that holds the keys.
  [FuseV1Options.EnableNodeOptionsEnvironmentVariable]: false,
  // --inspect would open a debugger into the main process.
  [FuseV1Options.EnableNodeCliInspectArguments]: false,
  // The app.asar must match the hash electron-builder embedded (macOS and Windows check it).
  [FuseV1Options.EnableEmbeddedAsarIntegrityValidation]: true,
  // Only the (integrity-checked) app.asar is loaded, never a loose app/ folder beside it.
  [FuseV1Options.OnlyLoadAppFromAsar]: true,
  // Cookies at rest are encrypted with the OS keychain.
  [FuseV1Options.EnableCookieEncryption]: true,
};

/** The file that carries the fuse wire: the .app bundle on macOS, the executable elsewhere. */
export function packagedElectronPath(context) {
  const { appOutDir, electronPlatformName, packager } = context;
  if (electronPlatformName === 'darwin' || electronPlatformName === 'mas') {
    return join(appOutDir, `${packager.appInfo.productFilename}.app`);
  }
  if (electronPlatformName === 'win32') return join(appOutDir, `${packager.appInfo.productFilename}.exe`);
  return join(appOutDir, packager.executableName);
}

export async function afterPack(context) {
  // An arm64 macOS binary must stay validly (ad-hoc) signed after its bytes change, or it will not
  // start; electron-builder's own signing replaces this signature when a certificate is set.
  const darwinArm64 = (context.electronPlatformName === 'darwin' || context.electronPlatformName === 'mas') && context.arch === builder.Arch.arm64;
  await flipFuses(packagedElectronPath(context), {
    version: FuseVersion.V1,
    resetAdHocDarwinSignature: darwinArm64,
    ...SWITCHYARD_FUSES,
  });
}
