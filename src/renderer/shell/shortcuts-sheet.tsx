import { useEffect, useRef } from 'react';
import { useUi } from '../stores/ui-store.js';
import { SHORTCUTS } from './shortcuts.js';

/** `?`: a modal <dialog> (it traps focus and closes on Esc by itself) listing every shortcut. */
export function ShortcutsSheet() {
  const open = useUi((s) => s.shortcutsOpen);
  const setShortcuts = useUi((s) => s.setShortcuts);
  const dialog = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const el = dialog.current;
    if (!el) return;
    if (open && !el.open) el.showModal();
    if (!open && el.open) el.close();
  }, [open]);
  return (
    <dialog ref={dialog} className="sheet" aria-labelledby="shortcuts-title" onClose={() => setShortcuts(false)}>
      <h2 id="shortcuts-title">Keyboard shortcuts</h2>
      <table className="shortcut-table">
        <tbody>
          {SHORTCUTS.map((s) => (
            <tr key={s.does}>
              <td>{s.keys.map((k, i) => <span key={k}>{i > 0 && ' + '}<kbd>{k}</kbd></span>)}</td>
              <td>{s.does}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <form method="dialog">
        <button type="submit" className="button button-primary" autoFocus>Close</button>
      </form>
    </dialog>
  );
}
