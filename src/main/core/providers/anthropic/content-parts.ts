import { GatewayError } from '../../../../shared/errors.js';
import type {
  AnthropicDocumentBlock,
  AnthropicImageBlock,
  AnthropicImageSource,
  AnthropicTextBlock,
} from '../../protocol/anthropic-wire.js';
import type { ChatContentPart } from '../../protocol/openai-chat-request.js';

export type UserContentBlock = AnthropicTextBlock | AnthropicImageBlock | AnthropicDocumentBlock;

const DATA_URL = /^data:([^;,]+)((?:;[^;,=]+=[^;,]*)*);base64,(.*)$/s;

function unsupported(message: string): GatewayError {
  return new GatewayError(400, 'unsupported_content', message, { provider_family: 'anthropic' });
}

/** An http(s) image is fetched by Anthropic itself; a base64 data URL travels inline. */
export function imageSource(url: string): AnthropicImageSource {
  const data = DATA_URL.exec(url);
  if (data?.[1] && data[3] !== undefined) return { type: 'base64', media_type: data[1], data: data[3] };
  if (/^https?:\/\//i.test(url)) return { type: 'url', url };
  throw unsupported('Images must be http(s) URLs or base64 data URLs (data:image/png;base64,…) for Anthropic models');
}

function documentBlock(part: Extract<ChatContentPart, { type: 'file' }>): AnthropicDocumentBlock {
  const data = part.file.file_data ? DATA_URL.exec(part.file.file_data) : null;
  if (data?.[1] !== 'application/pdf' || data[3] === undefined) {
    throw unsupported('Anthropic models accept files only as PDF data URLs (file.file_data = data:application/pdf;base64,…)');
  }
  const block: AnthropicDocumentBlock = { type: 'document', source: { type: 'base64', media_type: 'application/pdf', data: data[3] } };
  if (part.file.filename) block.title = part.file.filename;
  if (part.cache_control) block.cache_control = part.cache_control;
  return block;
}

export function textBlock(text: string, cacheControl?: AnthropicTextBlock['cache_control']): AnthropicTextBlock {
  return cacheControl ? { type: 'text', text, cache_control: cacheControl } : { type: 'text', text };
}

/** User and tool-result content parts; `cache_control` on a part stays on its block. */
export function userContentBlock(part: ChatContentPart): UserContentBlock {
  switch (part.type) {
    case 'text':
      return textBlock(part.text, part.cache_control);
    case 'image_url': {
      const url = typeof part.image_url === 'string' ? part.image_url : part.image_url.url;
      const block: AnthropicImageBlock = { type: 'image', source: imageSource(url) };
      if (part.cache_control) block.cache_control = part.cache_control;
      return block;
    }
    case 'file':
      return documentBlock(part);
    case 'input_audio':
      throw unsupported('Anthropic models do not accept audio input');
    case 'refusal':
      return textBlock(part.refusal);
  }
}

/** System and assistant content is text only. */
export function textOnlyBlock(part: ChatContentPart, role: string): AnthropicTextBlock {
  if (part.type === 'text') return textBlock(part.text, part.cache_control);
  if (part.type === 'refusal') return textBlock(part.refusal);
  throw unsupported(`A ${role} message may hold only text for Anthropic models, not "${part.type}"`);
}
