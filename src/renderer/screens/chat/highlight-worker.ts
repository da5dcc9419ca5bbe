/// <reference lib="webworker" />
import { code } from '@streamdown/code';
import type { BundledLanguage } from 'shiki';
import type { HighlightReply, HighlightRequest } from './code-highlighter.js';

declare const self: DedicatedWorkerGlobalScope;

const queued = new Map<number, HighlightRequest>();
let scheduled = false;

const reply = (message: HighlightReply) => self.postMessage(message);

/** One request per turn of the event loop, so that requests arriving meanwhile can replace queued ones. */
function next(): void {
  scheduled = false;
  const first = queued.entries().next();
  if (first.done) return;
  const [id, request] = first.value;
  queued.delete(id);
  // Any fence name may come: @streamdown/code resolves aliases and treats an unknown one as plain text.
  const options = { ...request, language: request.language as BundledLanguage };
  const now = code.highlight(options, (result) => reply({ id, result }));
  if (now) reply({ id, result: now });
  schedule();
}

function schedule(): void {
  if (scheduled || queued.size === 0) return;
  scheduled = true;
  setTimeout(next, 0);
}

self.onmessage = ({ data: request }: MessageEvent<HighlightRequest>) => {
  // A block that is still streaming asks again with every frame; an older request about it (its
  // code a beginning of this one's) is of no use any more, its view has moved on.
  for (const [id, older] of queued) {
    if (older.isIncomplete && older.language === request.language && request.code.startsWith(older.code)) {
      queued.delete(id);
      reply({ id, result: null });
    }
  }
  queued.set(request.id, request);
  schedule();
};
