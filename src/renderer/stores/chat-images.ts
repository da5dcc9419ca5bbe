import type { Attachment, ChatMessage } from '../../shared/control/conversations.js';
import type { OutgoingMessage } from '../api/chat-stream.js';
import { failureOf } from '../api/client.js';
import { control } from '../api/control.js';
import { blobToDataUrl, type PendingImage } from '../screens/chat/image-files.js';

/**
 * The data URLs of the open conversation's images, by attachment id: a follow-up question,
 * regenerate or edit sends them again without reading them back from the gateway each time.
 * Emptied when another conversation opens.
 */
const dataUrls = new Map<string, string>();

export function forgetImages(): void {
  dataUrls.clear();
}

/** Saves the composer's images with the gateway; the message keeps only their references. */
export async function uploadImages(images: readonly PendingImage[]): Promise<Attachment[]> {
  const saved: Attachment[] = [];
  for (const image of images) {
    const attachment = await control.uploadAttachment(image.name, image.dataUrl);
    dataUrls.set(attachment.id, image.dataUrl);
    saved.push(attachment);
  }
  return saved;
}

async function dataUrlOf(attachment: Attachment): Promise<string> {
  const known = dataUrls.get(attachment.id);
  if (known) return known;
  const response = await fetch(control.attachmentUrl(attachment.id), { credentials: 'same-origin', cache: 'no-store' });
  if (!response.ok) throw await failureOf(response);
  const dataUrl = await blobToDataUrl(await response.blob());
  dataUrls.set(attachment.id, dataUrl);
  return dataUrl;
}

/**
 * The thread as an OpenAI chat request's messages: a question with images becomes content
 * parts (its text, then each image as an `image_url` data URL), which the gateway translates
 * for Anthropic and Gemini models. Tool calls of earlier answers are not sent back as calls:
 * without their results the request would be invalid; an answer that was only tool calls says
 * what it asked for in words, as an empty assistant turn is refused by some providers.
 */
export async function toOutgoing(messages: readonly ChatMessage[]): Promise<OutgoingMessage[]> {
  return Promise.all(
    messages.map(async (m): Promise<OutgoingMessage> => {
      if (!m.content && m.toolCalls?.length) return { role: m.role, content: m.toolCalls.map((c) => `(Asked to call ${c.name} with ${c.arguments || '{}'}.)`).join('\n') };
      if (!m.attachments?.length) return { role: m.role, content: m.content };
      const images = await Promise.all(m.attachments.map(async (a) => ({ type: 'image_url' as const, image_url: { url: await dataUrlOf(a) } })));
      return { role: m.role, content: [...(m.content ? [{ type: 'text' as const, text: m.content }] : []), ...images] };
    }),
  );
}
