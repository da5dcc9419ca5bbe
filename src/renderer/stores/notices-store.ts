import { create } from 'zustand';

export type NoticeTone = 'ok' | 'warn' | 'error';

export interface Notice {
  id: string;
  /** Names the notice's test id and what raised it: a key's limit, a provider's circuit. */
  kind: 'limit' | 'circuit';
  tone: NoticeTone;
  text: string;
}

interface NoticesState {
  notices: Notice[];
  push(notices: Omit<Notice, 'id'>[]): void;
  dismiss(id: string): void;
}

let counter = 0;

/** The notices shown over any screen (components/notices.tsx), oldest first. */
export const useNotices = create<NoticesState>()((set) => ({
  notices: [],
  push: (fresh) => {
    if (fresh.length === 0) return;
    set((s) => ({ notices: [...s.notices, ...fresh.map((n) => ({ ...n, id: `notice-${++counter}` }))] }));
  },
  dismiss: (id) => set((s) => ({ notices: s.notices.filter((n) => n.id !== id) })),
}));
