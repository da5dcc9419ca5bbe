import { create } from 'zustand';

/** Cross-screen UI requests: dialogs, and "focus this" nudges from shortcuts and the palette. */
interface UiState {
  paletteOpen: boolean;
  shortcutsOpen: boolean;
  /** Bumped to open the chat's model picker. */
  modelPickerSignal: number;
  /** Bumped to focus the chat composer. */
  composerSignal: number;
  setPalette(open: boolean): void;
  setShortcuts(open: boolean): void;
  openModelPicker(): void;
  focusComposer(): void;
}

export const useUi = create<UiState>()((set) => ({
  paletteOpen: false,
  shortcutsOpen: false,
  modelPickerSignal: 0,
  composerSignal: 0,
  setPalette: (paletteOpen) => set({ paletteOpen }),
  setShortcuts: (shortcutsOpen) => set({ shortcutsOpen }),
  openModelPicker: () => set((s) => ({ modelPickerSignal: s.modelPickerSignal + 1 })),
  focusComposer: () => set((s) => ({ composerSignal: s.composerSignal + 1 })),
}));
