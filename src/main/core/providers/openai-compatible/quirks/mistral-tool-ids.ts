/**
 * Mistral accepts only tool call ids of nine letters or digits ("Tool call id was call_… but must
 * be a-z, A-Z, 0-9, with a length of 9"), so a history from another provider (`call_…`,
 * `toolu_…`) is refused. Foreign ids are renamed the same way in the assistant's `tool_calls` and
 * in the tool messages that answer them. The new id is derived from the old one by a hash, so a
 * conversation's ids stay the same from one turn to the next (the prompt prefix, and so its cache,
 * stays the same too). Ids that already fit, Mistral's own among them, are kept.
 */
import { createHash } from 'node:crypto';
import type { JsonObject } from '../../provider-adapter.js';
import type { Quirk } from './quirk.js';
import { isObject, rewriteMessages } from './wire-json.js';

const MISTRAL_ID = /^[a-zA-Z0-9]{9}$/;
const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

function isMistralToolId(id: string): boolean {
  return MISTRAL_ID.test(id);
}

function hashedId(seed: string): string {
  const bytes = createHash('sha256').update(seed).digest();
  let id = '';
  for (let i = 0; i < 9; i++) id += ALPHABET[(bytes[i] as number) % ALPHABET.length];
  return id;
}

/** Renames foreign ids, consistently within one request and never onto an id already in it. */
class ToolIdRenamer {
  private readonly renamed = new Map<string, string>();
  private readonly taken: Set<string>;

  constructor(idsInRequest: Iterable<string>) {
    this.taken = new Set([...idsInRequest].filter(isMistralToolId));
  }

  rename(id: string): string {
    if (isMistralToolId(id)) return id;
    let out = this.renamed.get(id);
    if (out !== undefined) return out;
    out = hashedId(id);
    for (let attempt = 1; this.taken.has(out); attempt++) out = hashedId(`${id}#${attempt}`);
    this.taken.add(out);
    this.renamed.set(id, out);
    return out;
  }
}

function toolCallsOf(message: JsonObject): JsonObject[] {
  return message.role === 'assistant' && Array.isArray(message.tool_calls) ? message.tool_calls.filter(isObject) : [];
}

function idsIn(messages: unknown[]): string[] {
  const ids: string[] = [];
  for (const message of messages) {
    if (!isObject(message)) continue;
    for (const call of toolCallsOf(message)) if (typeof call.id === 'string') ids.push(call.id);
    if (message.role === 'tool' && typeof message.tool_call_id === 'string') ids.push(message.tool_call_id);
  }
  return ids;
}

export const mistralToolIds: Quirk = {
  request(body) {
    const { messages } = body;
    if (!Array.isArray(messages)) return;
    const ids = idsIn(messages);
    if (ids.every(isMistralToolId)) return;
    const renamer = new ToolIdRenamer(ids);
    body.messages = rewriteMessages(messages, (message) => {
      if (message.role === 'tool' && typeof message.tool_call_id === 'string') {
        return { ...message, tool_call_id: renamer.rename(message.tool_call_id) };
      }
      if (toolCallsOf(message).length === 0) return message;
      const calls = (message.tool_calls as unknown[]).map((call: unknown) =>
        isObject(call) && typeof call.id === 'string' ? { ...call, id: renamer.rename(call.id) } : call,
      );
      return { ...message, tool_calls: calls };
    });
  },
};
