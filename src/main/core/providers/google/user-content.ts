import { GatewayError } from '../../../../shared/errors.js';
import type { ChatContent, ChatContentPart } from '../../protocol/openai-chat-request.js';
import type { GeminiRequestPart } from './gemini-request-types.js';

/** Types Gemini infers poorly from a bare URL; other URLs go without one and Gemini sniffs the bytes. */
const MIME_BY_EXTENSION: Record<string, string> = {
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  webp: 'image/webp',
  gif: 'image/gif',
  heic: 'image/heic',
  heif: 'image/heif',
  pdf: 'application/pdf',
};

function invalid(where: string, message: string): GatewayError {
  return new GatewayError(400, 'invalid_request', `${where}: ${message}`, { param: where });
}

/** `data:<mime>[;base64],<payload>` as Gemini inlineData (base64 always). */
function inlineDataFromDataUrl(url: string, where: string): GeminiRequestPart {
  const comma = url.indexOf(',');
  if (!url.startsWith('data:') || comma < 0) throw invalid(where, 'expected a data: URL');
  const meta = url.slice('data:'.length, comma).split(';');
  const mimeType = meta[0] || 'text/plain';
  const payload = url.slice(comma + 1);
  const data = meta.includes('base64') ? payload : Buffer.from(decodeURIComponent(payload), 'utf8').toString('base64');
  return { inlineData: { mimeType, data } };
}

/**
 * Gemini fetches public or signed https URLs itself, and takes gs:// and Files API URIs; it
 * cannot fetch plain http, so that is refused here rather than failing upstream.
 */
function fileDataFromUrl(url: string, where: string): GeminiRequestPart {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw invalid(where, 'not a valid URL');
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'gs:') {
    throw invalid(where, `Gemini can only fetch https:// or gs:// URLs, not ${parsed.protocol}; send the image as a data: URL instead`);
  }
  const extension = /\.([a-z0-9]+)$/i.exec(parsed.pathname)?.[1]?.toLowerCase();
  const mimeType = extension ? MIME_BY_EXTENSION[extension] : undefined;
  return { fileData: mimeType ? { fileUri: url, mimeType } : { fileUri: url } };
}

function partOf(part: ChatContentPart, where: string): GeminiRequestPart | undefined {
  switch (part.type) {
    case 'text':
      return part.text === '' ? undefined : { text: part.text };
    case 'refusal':
      return part.refusal === '' ? undefined : { text: part.refusal };
    case 'image_url': {
      const url = typeof part.image_url === 'string' ? part.image_url : part.image_url.url;
      return url.startsWith('data:') ? inlineDataFromDataUrl(url, where) : fileDataFromUrl(url, where);
    }
    case 'input_audio':
      return { inlineData: { mimeType: `audio/${part.input_audio.format}`, data: part.input_audio.data } };
    case 'file':
      if (part.file.file_data === undefined) {
        throw invalid(where, 'Gemini cannot read OpenAI file ids; send the file inline as file.file_data (a data: URL)');
      }
      return inlineDataFromDataUrl(part.file.file_data, where);
  }
}

/** A user message's content as Gemini parts; empty text is dropped (Gemini rejects empty parts). */
export function userParts(content: ChatContent, where: string): GeminiRequestPart[] {
  if (typeof content === 'string') return content === '' ? [] : [{ text: content }];
  return content.flatMap((part, i) => partOf(part, `${where}[${i}]`) ?? []);
}
