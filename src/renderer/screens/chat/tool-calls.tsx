import { Wrench } from 'lucide-react';
import type { ToolCall } from '../../../shared/control/conversations.js';
import './chat-blocks.css';

/** Arguments as indented JSON once they parse; while they stream in, as they came. */
function readable(args: string): string {
  try {
    return JSON.stringify(JSON.parse(args), null, 2);
  } catch {
    return args;
  }
}

/**
 * The tool calls an answer asked for, each a one-line block with the function's name that opens
 * on its arguments. Closed until the reader opens one, streaming or not, so arguments arriving or
 * the answer finishing never move what is above or below.
 */
export function ToolCalls({ calls }: { calls: readonly ToolCall[] | undefined }) {
  if (!calls?.length) return null;
  return (
    <div className="tool-calls" data-testid="tool-calls">
      {calls.map((call, i) => (
        <details key={call.id || i} className="tool-call">
          <summary>
            <Wrench size={13} aria-hidden="true" /> Tool call <code>{call.name || '…'}</code>
          </summary>
          <pre className="tool-call-args">{readable(call.arguments)}</pre>
        </details>
      ))}
    </div>
  );
}
