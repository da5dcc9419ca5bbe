import { nativeImage, type NativeImage } from 'electron';

// A teal rounded square with a white "Y": two tracks joining into one. Inlined so the
// tray needs no asset pipeline; the 32px version is the @2x representation.
const ICON_16 =
  'iVBORw0KGgoAAAANSUhEUgAAABAAAAAQCAYAAAAf8/9hAAAAsUlEQVR42mNgAAL+srwAIL4PxP+JxCC1AQxImv+TiQMYkG22mdD5f8uVS2AaXTEOufsMyIoO3739HwQ+fPv2X66+HC4OYoPEQACkBlkPigHeMyb9hwFkhTCDQQCkBqcBINy+axtc8bTDB8AYBkBy6OoZsAUOyK/oACSGTS1WA0B+vvT0CVwziI0cJgQNAOGohbPhBoDYuNThNAA5QNEDbhgacB9fTOCLAVhSpiwzUZqdAY2cPA0WtOtUAAAAAElFTkSuQmCC';
const ICON_32 =
  'iVBORw0KGgoAAAANSUhEUgAAACAAAAAgCAYAAABzenr0AAABRklEQVR42mNgQAL8ZXkCQNwAxOeB+D+V8Xmo2QIM2ABQIgGI39PAYnQMsiMBm+X/6YwTkIP9/QA44D04OqDxglOh94xJYEyqBUTqa2DAleDk6sv/X3r65D8MgNjEWo6uD2QWroTJgMuQzJVL/qODpWdOErQcpAYdgMzCpZ4kBxAyjBw9OB0ACraH795iGPbh27f/NhM6MdSDxEBy6ABkBp4owO0AUgwl1bFEOwBfsB6+exuuBsQmNeiJdgCuhAUC7bu2gTE2QEyCJdoB6FmLECAlyxLtAFA8Y0sP2OIdX6Ij2wGw0o0QILXUZCC1iK3YtBan5SA5Us1jIKci2XLlEoblIDFyzCLLAdhSPkhs1AGjDhh1wKgDyHUAyb0gUCMDHRBqeOBrlDaQ43JQYwNU84EwMQ0PfM3yge2YDHjXbFB0Tgeyew4AppHoCc/otu4AAAAASUVORK5CYII=';

export function trayIcon(): NativeImage {
  const image = nativeImage.createFromBuffer(Buffer.from(ICON_16, 'base64'), { scaleFactor: 1 });
  image.addRepresentation({ scaleFactor: 2, buffer: Buffer.from(ICON_32, 'base64') });
  return image;
}
