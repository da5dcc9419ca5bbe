import { useEffect } from 'react';
import { useChat } from '../stores/chat-store.js';
import { SCREENS, useRouter } from '../stores/router.js';
import { useTheme } from '../stores/theme-store.js';
import { useUi } from '../stores/ui-store.js';

function typingIn(target: EventTarget | null): boolean {
  const el = target as HTMLElement | null;
  return !!el && (el.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(el.tagName));
}

/** The global shortcuts of shortcuts.ts; single keys only when the person is not typing. */
export function useShortcuts(): void {
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const mod = e.ctrlKey || e.metaKey;
      const key = e.key.toLowerCase();
      const ui = useUi.getState();
      const go = useRouter.getState().go;
      if (mod && !e.shiftKey && key === 'k') {
        e.preventDefault();
        ui.setPalette(!ui.paletteOpen);
      } else if (mod && e.shiftKey && key === 'o') {
        e.preventDefault();
        useChat.getState().startNew(useChat.getState().thread.model);
        go({ screen: 'chat' });
        ui.focusComposer();
      } else if (mod && e.shiftKey && key === 'm') {
        e.preventDefault();
        go({ screen: 'chat', conversationId: useRouter.getState().route.conversationId });
        ui.openModelPicker();
      } else if (mod && e.shiftKey && key === 'l') {
        e.preventDefault();
        useTheme.getState().toggle();
      } else if (e.altKey && !mod && /^[1-9]$/.test(e.key) && Number(e.key) <= SCREENS.length) {
        e.preventDefault();
        go({ screen: SCREENS[Number(e.key) - 1] ?? 'chat' });
      } else if (!mod && !e.altKey && !typingIn(e.target) && !ui.paletteOpen && !ui.shortcutsOpen) {
        if (e.key === '?') {
          e.preventDefault();
          ui.setShortcuts(true);
        } else if (e.key === '/') {
          e.preventDefault();
          ui.focusComposer();
        }
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);
}
