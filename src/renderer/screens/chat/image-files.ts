import { IMAGE_TYPES, MAX_IMAGE_BYTES, MAX_IMAGES_PER_MESSAGE, type ImageType } from '../../../shared/control/conversations.js';

/** An image in the composer, not sent yet: read into a data URL, which is also its thumbnail. */
export interface PendingImage {
  key: string;
  name: string;
  mimeType: ImageType;
  size: number;
  dataUrl: string;
}

export function formatBytes(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
  return `${Math.max(1, Math.round(bytes / 1024))} KiB`;
}

export function blobToDataUrl(blob: Blob): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(reader.result as string);
    reader.onerror = () => reject(reader.error ?? new Error('The file could not be read'));
    reader.readAsDataURL(blob);
  });
}

const isImageType = (type: string): type is ImageType => (IMAGE_TYPES as readonly string[]).includes(type);

/**
 * The files the person picked, pasted or dropped, as images for the next message; each one that
 * cannot be sent is named with the reason, before anything leaves the page (the gateway checks again).
 */
export async function readImageFiles(files: readonly File[], alreadyAttached: number): Promise<{ images: PendingImage[]; errors: string[] }> {
  const images: PendingImage[] = [];
  const errors: string[] = [];
  for (const file of files) {
    const name = file.name || 'pasted image';
    if (!isImageType(file.type)) {
      errors.push(`"${name}" is not a PNG, JPEG, WebP or GIF image.`);
    } else if (file.size > MAX_IMAGE_BYTES) {
      errors.push(`"${name}" is ${formatBytes(file.size)}; an image can be at most 3.75 MiB (the most every provider accepts).`);
    } else if (alreadyAttached + images.length >= MAX_IMAGES_PER_MESSAGE) {
      errors.push(`At most ${MAX_IMAGES_PER_MESSAGE} images per message: "${name}" was left out.`);
    } else {
      images.push({ key: crypto.randomUUID(), name, mimeType: file.type, size: file.size, dataUrl: await blobToDataUrl(file) });
    }
  }
  return { images, errors };
}
