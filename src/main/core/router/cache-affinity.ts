import { createHash } from 'node:crypto';
import type { JsonObject } from '../providers/provider-adapter.js';

interface Entry {
  endpointKey: string;
  expiresAt: number;
}

/**
 * Prompt-cache stickiness: the turns of one conversation share their opening (system prompt
 * and first user message), and a provider's prompt cache only pays off when they reach the
 * same endpoint. Remembers which endpoint answered each conversation, per app key and model,
 * for about as long as provider caches live.
 */
export class CacheAffinity {
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly ttlMs = 5 * 60_000,
    private readonly maxEntries = 10_000,
    private readonly now: () => number = Date.now,
  ) {}

  /** Undefined when the request has no conversation to follow (embeddings, an empty chat). */
  conversationKey(appKeyId: number | null, modelId: string, body: JsonObject): string | undefined {
    const opening = openingOf(body);
    if (opening === undefined) return undefined;
    const digest = createHash('sha256').update(opening).digest('base64url');
    return `${appKeyId ?? ''}\u0000${modelId}\u0000${digest}`;
  }

  get(conversation: string): string | undefined {
    const entry = this.entries.get(conversation);
    if (!entry) return undefined;
    if (entry.expiresAt <= this.now()) {
      this.entries.delete(conversation);
      return undefined;
    }
    return entry.endpointKey;
  }

  remember(conversation: string, endpointKey: string): void {
    this.entries.delete(conversation);
    if (this.entries.size >= this.maxEntries) {
      // Maps iterate in insertion order: the first entry is the least recently answered.
      const oldest = this.entries.keys().next();
      if (!oldest.done) this.entries.delete(oldest.value);
    }
    this.entries.set(conversation, { endpointKey, expiresAt: this.now() + this.ttlMs });
  }

  forget(conversation: string): void {
    this.entries.delete(conversation);
  }
}

/** The leading system/developer messages and the first user message, as text to hash. */
function openingOf(body: JsonObject): string | undefined {
  const messages = body.messages;
  if (Array.isArray(messages)) {
    let end = 0;
    while (end < messages.length && isRole(messages[end], 'system', 'developer')) end += 1;
    if (end < messages.length && isRole(messages[end], 'user')) end += 1;
    return end === 0 ? undefined : JSON.stringify(messages.slice(0, end));
  }
  return typeof body.prompt === 'string' && body.prompt.length > 0 ? body.prompt.slice(0, 4096) : undefined;
}

function isRole(message: unknown, ...roles: string[]): boolean {
  return typeof message === 'object' && message !== null && roles.includes((message as { role?: unknown }).role as string);
}
