import { Command } from 'cmdk';
import { useChat } from '../stores/chat-store.js';
import { useRouter, type Screen } from '../stores/router.js';
import { useTheme } from '../stores/theme-store.js';
import { useUi } from '../stores/ui-store.js';
import { control } from '../api/control.js';
import { useConversationList } from '../stores/data-stores.js';
import { useConnect } from '../stores/connect-store.js';

const SCREEN_LABELS: Record<Screen, string> = { chat: 'Chat', compare: 'Compare models', providers: 'Providers', gateway: 'Gateway', spending: 'Spending', keys: 'App keys', activity: 'Activity', privacy: 'Privacy' };

/** Ctrl/⌘+K: every action and screen by name, and the saved conversations. */
export function CommandPalette() {
  const open = useUi((s) => s.paletteOpen);
  const setPalette = useUi((s) => s.setPalette);
  const conversations = useConversationList((s) => s.data);
  const thread = useChat((s) => s.thread);
  const busy = useChat((s) => s.live !== null);
  const go = useRouter((s) => s.go);

  const run = (action: () => void) => {
    setPalette(false);
    action();
  };
  const download = (format: 'markdown' | 'json') => {
    if (!thread.id) return;
    const link = document.createElement('a');
    link.href = control.exportUrl(thread.id, format);
    link.download = '';
    link.click();
  };

  return (
    <Command.Dialog open={open} onOpenChange={setPalette} label="Command palette" className="palette" overlayClassName="palette-overlay" contentClassName="palette-content">
      <Command.Input placeholder="Type a command or a conversation…" aria-label="Command" />
      <Command.List className="palette-list">
        <Command.Empty>Nothing matches.</Command.Empty>
        <Command.Group heading="Actions">
          <Command.Item onSelect={() => run(() => {
            useChat.getState().startNew(thread.model);
            go({ screen: 'chat' });
            useUi.getState().focusComposer();
          })}>New chat</Command.Item>
          <Command.Item onSelect={() => run(() => {
            go({ screen: 'chat', conversationId: thread.id });
            useUi.getState().openModelPicker();
          })}>Switch model…</Command.Item>
          {busy && <Command.Item onSelect={() => run(() => useChat.getState().stop())}>Stop generating</Command.Item>}
          {thread.id && <Command.Item onSelect={() => run(() => download('markdown'))}>Export conversation as Markdown</Command.Item>}
          {thread.id && <Command.Item onSelect={() => run(() => download('json'))}>Export conversation as JSON</Command.Item>}
          <Command.Item onSelect={() => run(() => {
            useConnect.getState().setOpen(true);
            go({ screen: 'keys' });
          })}>Connect a tool…</Command.Item>
          <Command.Item onSelect={() => run(() => useTheme.getState().toggle())}>Switch light/dark theme</Command.Item>
          <Command.Item onSelect={() => run(() => useUi.getState().setShortcuts(true))}>Keyboard shortcuts</Command.Item>
        </Command.Group>
        <Command.Group heading="Go to">
          {(Object.keys(SCREEN_LABELS) as Screen[]).map((screen) => (
            <Command.Item key={screen} onSelect={() => run(() => go({ screen }))}>{SCREEN_LABELS[screen]}</Command.Item>
          ))}
        </Command.Group>
        {conversations && conversations.length > 0 && (
          <Command.Group heading="Conversations">
            {conversations.slice(0, 50).map((c) => (
              <Command.Item key={c.id} value={`conversation ${c.title} ${c.id}`} onSelect={() => run(() => go({ screen: 'chat', conversationId: c.id }))}>
                {c.title}
              </Command.Item>
            ))}
          </Command.Group>
        )}
      </Command.List>
    </Command.Dialog>
  );
}
