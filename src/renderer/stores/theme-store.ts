import { create } from 'zustand';

export type ThemeChoice = 'system' | 'light' | 'dark';
const STORAGE_KEY = 'switchyard-theme';

function stored(): ThemeChoice {
  try {
    const value = localStorage.getItem(STORAGE_KEY);
    return value === 'light' || value === 'dark' ? value : 'system';
  } catch {
    return 'system';
  }
}

function apply(choice: ThemeChoice): void {
  if (choice === 'system') delete document.documentElement.dataset.theme;
  else document.documentElement.dataset.theme = choice;
}

interface ThemeState {
  choice: ThemeChoice;
  /** system → the other of the OS's scheme → back to system. */
  toggle(): void;
}

/** Follows the OS unless the person picked one; public/theme-boot.js applies the choice before first paint. */
export const useTheme = create<ThemeState>()((set, get) => ({
  choice: stored(),
  toggle() {
    const osDark = window.matchMedia('(prefers-color-scheme: dark)').matches;
    const current = get().choice;
    const next: ThemeChoice = current === 'system' ? (osDark ? 'light' : 'dark') : 'system';
    try {
      if (next === 'system') localStorage.removeItem(STORAGE_KEY);
      else localStorage.setItem(STORAGE_KEY, next);
    } catch {
      // Storage blocked: the choice lasts for this page only.
    }
    apply(next);
    set({ choice: next });
  },
}));
