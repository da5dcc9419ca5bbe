/** Every keyboard shortcut, listed in the help sheet (`?`) and handled by use-shortcuts.ts. */
export const SHORTCUTS: readonly { keys: string[]; does: string }[] = [
  { keys: ['Ctrl/⌘', 'K'], does: 'Command palette' },
  { keys: ['?'], does: 'This list of shortcuts' },
  { keys: ['Ctrl/⌘', 'Shift', 'O'], does: 'New chat' },
  { keys: ['Ctrl/⌘', 'Shift', 'M'], does: 'Choose the model' },
  { keys: ['/'], does: 'Focus the message box' },
  { keys: ['Enter'], does: 'Send' },
  { keys: ['Shift', 'Enter'], does: 'New line in a message' },
  { keys: ['Esc'], does: 'Stop the answer (in the message box); close a dialog' },
  { keys: ['Alt', '1–8'], does: 'Chat, Compare, Providers, Gateway, Spending, Keys, Activity, Privacy (the rail, top to bottom)' },
  { keys: ['Ctrl/⌘', 'Shift', 'L'], does: 'Switch light/dark theme' },
];
