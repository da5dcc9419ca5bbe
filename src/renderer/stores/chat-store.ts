import { create } from 'zustand';
import type { Attachment, ChatMessage, ConversationTotals, ToolCall } from '../../shared/control/conversations.js';
import { streamChat } from '../api/chat-stream.js';
import { control } from '../api/control.js';
import type { PendingImage } from '../screens/chat/image-files.js';
import { forgetImages, toOutgoing, uploadImages } from './chat-images.js';
import { frameThrottle } from './frame-throttle.js';
import { loggedUsage } from './stopped-usage.js';
import { useRouter } from './router.js';

export interface Thread {
  /** Null until the first answer is saved. */
  id: string | null;
  title: string;
  model: string;
  messages: ChatMessage[];
  /** As the server added them up for the saved thread. */
  totals: ConversationTotals | null;
}

export interface LiveAnswer {
  /** The id the saved answer will have, so the streaming view and the final one are the same element. */
  id: string;
  content: string;
  reasoning: string;
  toolCalls: ToolCall[];
}

interface ChatState {
  thread: Thread;
  /** The answer being streamed, painted at most once a frame. */
  live: LiveAnswer | null;
  error: string | null;
  open(id: string): Promise<void>;
  startNew(model: string): void;
  setModel(model: string): void;
  /** Saves the images, then starts the answer; false (with `error` set) when the images could not be saved. */
  send(text: string, images?: readonly PendingImage[]): Promise<boolean>;
  stop(): void;
  /** Asks again for the answer at `index`, dropping it and what followed. */
  regenerate(index: number): Promise<void>;
  /** Replaces the question at `index` and asks again from there. */
  editAndResend(index: number, text: string): Promise<void>;
  rename(title: string): Promise<void>;
  remove(): Promise<void>;
}

let abort: AbortController | undefined;

function newId(): string {
  return crypto.randomUUID();
}

function titleFrom(text: string): string {
  const line = text.trim().split('\n', 1)[0] ?? '';
  return line.length > 60 ? `${line.slice(0, 57)}…` : line || 'New chat';
}

const message = (errorOf: unknown) => (errorOf instanceof Error ? errorOf.message : String(errorOf));

export const useChat = create<ChatState>()((set, get) => {
  /** Streams an answer to `history` (which ends with the question), then saves the thread. */
  async function answer(history: ChatMessage[]): Promise<void> {
    abort?.abort();
    const controller = new AbortController();
    abort = controller;
    const model = get().thread.model;
    const replyId = newId();
    set((s) => ({ thread: { ...s.thread, messages: history }, live: { id: replyId, content: '', reasoning: '', toolCalls: [] }, error: null }));
    let latest: LiveAnswer = { id: replyId, content: '', reasoning: '', toolCalls: [] };
    const paint = frameThrottle<LiveAnswer>((live) => {
      if (abort === controller) set({ live });
    });
    const started = performance.now();
    let generationId: string | null = null;
    let reply: ChatMessage;
    try {
      const result = await streamChat(
        model,
        await toOutgoing(history),
        (content, reasoning, toolCalls) => {
          latest = { id: replyId, content, reasoning, toolCalls };
          paint.push(latest);
        },
        controller.signal,
        (id) => (generationId = id),
      );
      reply = {
        id: replyId,
        role: 'assistant',
        content: result.content,
        ...(result.reasoning ? { reasoning: result.reasoning } : {}),
        ...(result.toolCalls.length ? { toolCalls: result.toolCalls } : {}),
        state: result.error ? 'error' : 'done',
        ...(result.error ? { error: result.error } : {}),
        meta: result.meta,
        createdAt: Date.now(),
      };
    } catch (err) {
      const stopped = controller.signal.aborted;
      reply = {
        id: replyId,
        role: 'assistant',
        content: latest.content,
        ...(latest.reasoning ? { reasoning: latest.reasoning } : {}),
        ...(latest.toolCalls.length ? { toolCalls: latest.toolCalls } : {}),
        state: stopped ? 'stopped' : 'error',
        ...(stopped ? {} : { error: message(err) }),
        meta: { model, generationId, promptTokens: null, completionTokens: null, reasoningTokens: null, cost: null, latencyMs: performance.now() - started, finishReason: null },
        createdAt: Date.now(),
      };
    }
    paint.flush();
    if (abort !== controller) return;
    abort = undefined;
    const messages = [...history, reply];
    set((s) => ({ thread: { ...s.thread, messages }, live: null }));
    await save(messages);
    if (reply.state === 'stopped' && generationId) await addLoggedUsage(reply.id, generationId);
  }

  /** A stopped answer gets the tokens and cost the gateway logged for it, unless the thread moved on meanwhile. */
  async function addLoggedUsage(replyId: string, generationId: string): Promise<void> {
    const usage = await loggedUsage(generationId);
    const { messages } = get().thread;
    if (!usage || get().live || !messages.some((m) => m.id === replyId)) return;
    const updated = messages.map((m) => (m.id === replyId && m.meta ? { ...m, meta: { ...m.meta, ...usage } } : m));
    set((s) => ({ thread: { ...s.thread, messages: updated } }));
    await save(updated);
  }

  async function save(messages: ChatMessage[]): Promise<void> {
    try {
      let { id } = get().thread;
      if (!id) {
        const created = await control.createConversation(get().thread.model, titleFrom(messages[0]?.content || messages[0]?.attachments?.[0]?.name || ''));
        id = created.id;
        set((s) => ({ thread: { ...s.thread, id, title: created.title } }));
        useRouter.getState().go({ screen: 'chat', conversationId: id });
      }
      const saved = await control.saveMessages(id, messages);
      set((s) => ({ thread: { ...s.thread, totals: saved.totals } }));
    } catch (err) {
      set({ error: `The conversation could not be saved: ${message(err)}` });
    }
  }

  return {
    thread: { id: null, title: 'New chat', model: '', messages: [], totals: null },
    live: null,
    error: null,
    async open(id) {
      if (get().thread.id === id) return;
      abort?.abort();
      abort = undefined;
      forgetImages();
      try {
        const conversation = await control.conversation(id);
        const { title, model, messages, totals } = conversation;
        set({ thread: { id, title, model, messages, totals }, live: null, error: null });
      } catch (err) {
        set({ error: message(err) });
      }
    },
    startNew(model) {
      abort?.abort();
      abort = undefined;
      forgetImages();
      set({ thread: { id: null, title: 'New chat', model, messages: [], totals: null }, live: null, error: null });
    },
    setModel(model) {
      const { id } = get().thread;
      set((s) => ({ thread: { ...s.thread, model } }));
      if (id) void control.updateConversation(id, { model }).catch((err: unknown) => set({ error: message(err) }));
    },
    async send(text, images = []) {
      let attachments: Attachment[] = [];
      try {
        attachments = await uploadImages(images);
      } catch (err) {
        set({ error: `The images could not be attached: ${message(err)}` });
        return false;
      }
      const question: ChatMessage = { id: newId(), role: 'user', content: text, ...(attachments.length ? { attachments } : {}), createdAt: Date.now() };
      void answer([...get().thread.messages, question]);
      return true;
    },
    stop() {
      abort?.abort();
    },
    async regenerate(index) {
      await answer(get().thread.messages.slice(0, index));
    },
    async editAndResend(index, text) {
      const messages = get().thread.messages;
      const edited = { ...(messages[index] as ChatMessage), content: text };
      await answer([...messages.slice(0, index), edited]);
    },
    async rename(title) {
      const { id } = get().thread;
      set((s) => ({ thread: { ...s.thread, title } }));
      if (id) await control.updateConversation(id, { title }).catch((err: unknown) => set({ error: message(err) }));
    },
    async remove() {
      const { id, model } = get().thread;
      if (id) await control.deleteConversation(id).catch((err: unknown) => set({ error: message(err) }));
      get().startNew(model);
      useRouter.getState().go({ screen: 'chat' });
    },
  };
});

