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
    const digest = openingDigest(body);
    return digest === undefined ? undefined : `${appKeyId ?? ''}\u0000${modelId}\u0000${digest}`;
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
}

/** Hashing stops after this much of the opening: prompt caches match on prefixes, and a long system prompt must not cost a long hash. */
const OPENING_BYTES = 8_192;

/** A digest of the leading system/developer messages and the first user message (their first 8 KB, and their lengths). */
function openingDigest(body: JsonObject): string | undefined {
  const messages = body.messages;
  const hash = createHash('sha1');
  let budget = OPENING_BYTES;
  const add = (role: string, text: string) => {
    hash.update(`${role}:${text.length}:`);
    if (budget > 0) hash.update(text.length > budget ? text.slice(0, budget) : text);
    budget -= text.length;
  };
  if (Array.isArray(messages)) {
    let count = 0;
    while (count < messages.length && isRole(messages[count], 'system', 'developer')) add('system', contentText(messages[count++]));
    if (count < messages.length && isRole(messages[count], 'user')) add('user', contentText(messages[count++]));
    return count === 0 ? undefined : hash.digest('base64url');
  }
  if (typeof body.prompt !== 'string' || body.prompt.length === 0) return undefined;
  add('prompt', body.prompt);
  return hash.digest('base64url');
}

function contentText(message: unknown): string {
  const content = (message as { content?: unknown }).content;
  return typeof content === 'string' ? content : JSON.stringify(content ?? null);
}

function isRole(message: unknown, ...roles: string[]): boolean {
  return typeof message === 'object' && message !== null && roles.includes((message as { role?: unknown }).role as string);
}
