import { useVirtualizer } from '@tanstack/react-virtual';
import { ArrowDown } from 'lucide-react';
import { useEffect, useRef, type ReactNode } from 'react';
import { useChat } from '../../stores/chat-store.js';
import { liveMessage, MessageView } from './message-view.js';
import { FOLLOW_SLACK_PX, useStickToBottom } from './use-stick-to-bottom.js';
import './message-list.css';

/** Space between turns (the virtualizer places the rows, so it owns the gap and the padding). */
const GAP_PX = 18;
const PADDING_TOP_PX = 20;
const PADDING_BOTTOM_PX = 8;
/** A first guess at a turn's height until it is measured (most are a few lines). */
const ESTIMATED_TURN_PX = 140;

interface TurnActions {
  onRegenerate(index: number): void;
  onEdit(index: number, text: string): void;
}

/**
 * One row: a saved turn, or the answer being streamed. The same component either way, so when
 * the answer is saved React keeps its tree (a long answer is not rendered again from scratch).
 * Only the streamed answer's row re-renders on each painted frame.
 */
function Turn({ index, busy, onRegenerate, onEdit }: { index: number; busy: boolean } & TurnActions) {
  const saved = useChat((s) => s.thread.messages[index]);
  const live = useChat((s) => (index === s.thread.messages.length ? s.live : null));
  if (saved) return <MessageView message={saved} index={index} busy={busy} onRegenerate={onRegenerate} onEdit={onEdit} />;
  if (!live) return null;
  return <MessageView message={liveMessage(live)} index={index} busy streaming onRegenerate={onRegenerate} onEdit={onEdit} />;
}

interface MessageListProps extends TurnActions {
  /** Shown when the conversation has no turn yet. */
  empty: ReactNode;
}

/**
 * The conversation, virtualized: only the turns near the viewport are in the page, so a long
 * conversation costs what one screen of it costs. Rows are measured as they render. Anchored to
 * the end, the list keeps a growing answer in view while the reader is at the end and holds
 * still once they scroll up; a turn that changes height (a reasoning block opened or closed)
 * does not move the turn the reader is looking at.
 */
export function MessageList({ empty, onRegenerate, onEdit }: MessageListProps) {
  const scroller = useRef<HTMLDivElement>(null);
  const messages = useChat((s) => s.thread.messages);
  const liveId = useChat((s) => s.live?.id ?? null);
  const busy = liveId !== null;
  const count = messages.length + (busy ? 1 : 0);
  const virtualizer = useVirtualizer<HTMLDivElement, HTMLDivElement>({
    count,
    getScrollElement: () => scroller.current,
    estimateSize: () => ESTIMATED_TURN_PX,
    getItemKey: (i) => (i < messages.length ? (messages[i]?.id ?? i) : (liveId ?? i)),
    overscan: 4,
    gap: GAP_PX,
    paddingStart: PADDING_TOP_PX,
    paddingEnd: PADDING_BOTTOM_PX,
    anchorTo: 'end',
    followOnAppend: true,
    scrollEndThreshold: FOLLOW_SLACK_PX,
  });
  const { following, jump, onScroll } = useStickToBottom(virtualizer);

  // Another conversation opens at its end (told apart by its first turn: a new conversation
  // getting its id when first saved is the same one); a new answer (sent, regenerated) is
  // followed from wherever the reader was, since asking is a wish to see it.
  const firstId = messages[0]?.id;
  useEffect(() => {
    jump();
  }, [firstId, jump]);
  useEffect(() => {
    if (liveId) jump();
  }, [liveId, jump]);

  const items = virtualizer.getVirtualItems();
  return (
    <>
      <div className="chat-scroll" ref={scroller} onScroll={onScroll} data-testid="chat-scroll">
        {count === 0 ? (
          <div className="chat-column">{empty}</div>
        ) : (
          <div className="chat-column chat-rows" style={{ height: virtualizer.getTotalSize() }}>
            <div className="chat-rows-window" aria-live="polite" aria-relevant="additions" style={{ transform: `translateY(${items[0]?.start ?? 0}px)` }}>
              {items.map((item) => (
                <div key={item.key} className="chat-row" data-index={item.index} ref={virtualizer.measureElement}>
                  <Turn index={item.index} busy={busy} onRegenerate={onRegenerate} onEdit={onEdit} />
                </div>
              ))}
            </div>
          </div>
        )}
      </div>
      {!following && (
        <button type="button" className="button jump-button" onClick={jump}>
          <ArrowDown size={14} aria-hidden="true" /> Jump to latest
        </button>
      )}
    </>
  );
}
