import type { Conversation } from '../../../shared/control/conversations.js';

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
      continue;
    }
    const meta = message.meta;
    lines.push(`## ${meta?.model ?? 'Assistant'}`, '');
    if (message.reasoning) lines.push('<details><summary>Reasoning</summary>', '', message.reasoning, '', '</details>', '');
    lines.push(message.content, '');
    if (meta) {
      const tokens = `${meta.promptTokens ?? '?'} in / ${meta.completionTokens ?? '?'} out`;
      const latency = meta.latencyMs === null ? '' : ` · ${(meta.latencyMs / 1000).toFixed(1)} s`;
      lines.push(`_${tokens} tokens · ${money(meta.cost)}${latency}${message.state === 'stopped' ? ' · stopped' : ''}_`, '');
    }
  }
  return `${lines.join('\n').trimEnd()}\n`;
}

/** A file name from the title that every OS accepts. */
export function exportFileName(conversation: Conversation, extension: string): string {
  const base = conversation.title.replace(/[^\w .-]+/g, '').trim().replace(/\s+/g, '-').slice(0, 80) || 'conversation';
  return `${base}.${extension}`;
}
