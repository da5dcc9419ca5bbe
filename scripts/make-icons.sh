#!/bin/sh
# Regenerates the app icons in build/ from build/icon.svg (the results are committed, so packaging
# needs none of these tools). Debian: apt-get install librsvg2-bin icnsutils imagemagick
set -eu
cd "$(dirname "$0")/../build"
for size in 16 24 32 48 64 128 256 512 1024; do
  rsvg-convert -w "$size" -h "$size" icon.svg -o "icons/${size}x${size}.png"
done
cp icons/1024x1024.png icon.png
png2icns icon.icns icons/16x16.png icons/32x32.png icons/48x48.png icons/128x128.png icons/256x256.png \
  icons/512x512.png icons/1024x1024.png
# Windows uses the 16-256 px images of the .ico (256 px for large tiles and the installer).
/usr/bin/convert icons/16x16.png icons/24x24.png icons/32x32.png icons/48x48.png icons/64x64.png \
  icons/128x128.png icons/256x256.png icon.ico
