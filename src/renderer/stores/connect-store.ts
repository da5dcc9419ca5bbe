import { create } from 'zustand';

interface ConnectState {
  /** The connect-a-tool panel on the Keys screen (the palette opens it). */
  open: boolean;
  /** Keys created in this page, by name: the server keeps only their hash, so only these can fill a snippet. */
  secrets: Record<string, string>;
  setOpen(open: boolean): void;
  remember(name: string, key: string): void;
}

export const useConnect = create<ConnectState>()((set) => ({
  open: false,
  secrets: {},
  setOpen: (open) => set({ open }),
  remember: (name, key) => set((s) => ({ secrets: { ...s.secrets, [name]: key } })),
}));
