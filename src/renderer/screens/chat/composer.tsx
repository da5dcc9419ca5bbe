import { ArrowUp, Square } from 'lucide-react';
import { forwardRef, useState } from 'react';

interface ComposerProps {
  busy: boolean;
  disabled?: boolean;
  placeholder?: string;
  onSend(text: string): void;
  onStop(): void;
}

/** Enter sends, Shift+Enter starts a new line, Escape stops an answer that is streaming. */
export const Composer = forwardRef<HTMLTextAreaElement, ComposerProps>(function Composer({ busy, disabled, placeholder, onSend, onStop }, ref) {
  const [text, setText] = useState('');
  const submit = () => {
    if (busy || disabled || !text.trim()) return;
    onSend(text);
    setText('');
  };
  return (
    <form
      className="composer"
      onSubmit={(e) => {
        e.preventDefault();
        submit();
      }}
    >
      <label htmlFor="composer-input" className="visually-hidden">
        Message
      </label>
      <textarea
        id="composer-input"
        ref={ref}
        rows={2}
        value={text}
        disabled={disabled}
        placeholder={placeholder ?? 'Message (Enter to send, Shift+Enter for a new line)'}
        onChange={(e) => setText(e.target.value)}
        onKeyDown={(e) => {
          if (e.key === 'Enter' && !e.shiftKey && !e.nativeEvent.isComposing) {
            e.preventDefault();
            submit();
          }
          if (e.key === 'Escape' && busy) {
            e.preventDefault();
            onStop();
          }
        }}
      />
      {busy ? (
        <button type="button" className="button composer-stop" onClick={onStop} aria-label="Stop generating" title="Stop (Esc)">
          <Square size={14} aria-hidden="true" /> Stop
        </button>
      ) : (
        <button type="submit" className="button button-primary composer-send" disabled={disabled || !text.trim()} aria-label="Send message" title="Send (Enter)">
          <ArrowUp size={16} aria-hidden="true" /> Send
        </button>
      )}
    </form>
  );
});
