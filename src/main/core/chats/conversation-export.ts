import type { Attachment, Conversation } from '../../../shared/control/conversations.js';

function money(cost: number | null): string {
  if (cost === null) return 'cost unknown';
  return cost >= 1 ? `$${cost.toFixed(2)}` : `$${Number(cost.toPrecision(4))}`;
}

/** A readable transcript: each turn under a heading, answers with the gateway's own figures. */
export function conversationToMarkdown(conversation: Conversation): string {
  const lines = [`# ${conversation.title}`, '', `Exported from Switchyard on ${new Date().toISOString()}`, ''];
  for (const message of conversation.messages) {
    if (message.role === 'user') {
      lines.push('## You', '', message.content, '');
      // The Markdown stays readable text; the images themselves are in the JSON export.
      for (const image of message.attachments ?? []) lines.push(`_[image: ${image.name} (${image.mimeType}, ${sizeText(image.size)}), in the JSON export]_`, '');
      continue;
    }
    const meta = message.meta;
    lines.push(`## ${meta?.model ?? 'Assistant'}`, '');
    if (message.reasoning) lines.push('<details><summary>Reasoning</summary>', '', message.reasoning, '', '</details>', '');
    lines.push(message.content, '');
    for (const call of message.toolCalls ?? []) lines.push(`Tool call \`${call.name}\`:`, '', '```json', call.arguments, '```', '');
    if (meta) {
      const tokens = `${meta.promptTokens ?? '?'} in / ${meta.completionTokens ?? '?'} out`;
      const latency = meta.latencyMs === null ? '' : ` · ${(meta.latencyMs / 1000).toFixed(1)} s`;
      lines.push(`_${tokens} tokens · ${money(meta.cost)}${latency}${message.state === 'stopped' ? ' · stopped' : ''}_`, '');
    }
  }
  return `${lines.join('\n').trimEnd()}\n`;
}

function sizeText(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${(bytes / 1024 / 1024).toFixed(1)} MiB` : `${Math.ceil(bytes / 1024)} KiB`;
}

/** The whole conversation as JSON, each image with its bytes as a data URL, so the file stands on its own. */
export function conversationToJson(conversation: Conversation, dataUrlOf: (image: Attachment) => string): string {
  const messages = conversation.messages.map((m) =>
    m.attachments ? { ...m, attachments: m.attachments.map((image) => ({ ...image, dataUrl: dataUrlOf(image) })) } : m,
  );
  return `${JSON.stringify({ ...conversation, messages }, null, 2)}\n`;
}

/** A file name from the title that every OS accepts. */
export function exportFileName(conversation: Conversation, extension: string): string {
  const base = conversation.title.replace(/[^\w .-]+/g, '').trim().replace(/\s+/g, '-').slice(0, 80) || 'conversation';
  return `${base}.${extension}`;
}
