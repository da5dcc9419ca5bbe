import { create } from 'zustand';
import type { AnswerMeta } from '../../shared/control/conversations.js';
import { streamChat } from '../api/chat-stream.js';
import { frameThrottle } from './frame-throttle.js';

export const MIN_COLUMNS = 2;
export const MAX_COLUMNS = 4;

export interface CompareColumn {
  model: string;
  content: string;
  state: 'idle' | 'streaming' | 'done' | 'stopped' | 'error';
  error: string | null;
  meta: AnswerMeta | null;
}

interface CompareState {
  prompt: string;
  columns: CompareColumn[];
  setModel(index: number, model: string): void;
  addColumn(model: string): void;
  removeColumn(index: number): void;
  run(prompt: string): Promise<void>;
  stop(): void;
}

const column = (model: string): CompareColumn => ({ model, content: '', state: 'idle', error: null, meta: null });
let abort: AbortController | undefined;

/** One prompt to 2–4 models at once, each column streaming through the gateway on its own. */
export const useCompare = create<CompareState>()((set, get) => {
  const patch = (index: number, change: Partial<CompareColumn>) =>
    set((s) => ({ columns: s.columns.map((c, i) => (i === index ? { ...c, ...change } : c)) }));

  async function runColumn(index: number, prompt: string, signal: AbortSignal): Promise<void> {
    const model = get().columns[index]?.model ?? '';
    const paint = frameThrottle<string>((content) => patch(index, { content }));
    let latest = '';
    try {
      const result = await streamChat(model, [{ role: 'user', content: prompt }], (content) => {
        latest = content;
        paint.push(content);
      }, signal);
      paint.flush();
      patch(index, { content: result.content, state: result.error ? 'error' : 'done', error: result.error ?? null, meta: result.meta });
    } catch (err) {
      paint.flush();
      patch(index, { content: latest, state: signal.aborted ? 'stopped' : 'error', error: signal.aborted ? null : err instanceof Error ? err.message : String(err) });
    }
  }

  return {
    prompt: '',
    columns: [],
    setModel: (index, model) => patch(index, { model }),
    addColumn(model) {
      if (get().columns.length < MAX_COLUMNS) set((s) => ({ columns: [...s.columns, column(model)] }));
    },
    removeColumn(index) {
      if (get().columns.length > MIN_COLUMNS) set((s) => ({ columns: s.columns.filter((_, i) => i !== index) }));
    },
    async run(prompt) {
      abort?.abort();
      const controller = new AbortController();
      abort = controller;
      set((s) => ({ prompt, columns: s.columns.map((c) => ({ ...column(c.model), state: 'streaming' as const })) }));
      await Promise.all(get().columns.map((_, i) => runColumn(i, prompt, controller.signal)));
    },
    stop() {
      abort?.abort();
    },
  };
});
