import type { JsonObject } from '../../provider-adapter.js';

export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The choice objects of a chat completion or chunk. */
export function choicesOf(json: JsonObject): JsonObject[] {
  return Array.isArray(json.choices) ? json.choices.filter(isObject) : [];
}

/**
 * The request's messages with `rewrite` applied to each message object; a message `rewrite`
 * returns unchanged stays the same object. Not an array: left as it is for the upstream to judge.
 */
export function rewriteMessages(messages: unknown, rewrite: (message: JsonObject) => JsonObject): unknown {
  if (!Array.isArray(messages)) return messages;
  return messages.map((message: unknown) => (isObject(message) ? rewrite(message) : message));
}

/** A copy of `message` without `fields`; the same object when it has none of them. */
export function withoutFields(message: JsonObject, fields: readonly string[]): JsonObject {
  if (!fields.some((field) => field in message)) return message;
  const copy = { ...message };
  for (const field of fields) delete copy[field];
  return copy;
}
