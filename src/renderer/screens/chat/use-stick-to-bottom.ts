import type { Virtualizer } from '@tanstack/react-virtual';
import { useCallback, useRef, useState } from 'react';

/**
 * How close to the end still counts as "at the end": rounding, not a reader's scroll (one
 * arrow-key step is 40 px). The message list's virtualizer follows a growing answer only
 * within the same distance (its `scrollEndThreshold`), so the two never disagree.
 */
export const FOLLOW_SLACK_PX = 8;

/**
 * Whether the reader is following the end of the conversation. The virtualizer keeps the end
 * in view while they are there (anchorTo 'end', followOnAppend) and stops as soon as they scroll
 * up: their position is never taken from them. `jump()` goes back to following.
 */
export function useStickToBottom(virtualizer: Virtualizer<HTMLDivElement, HTMLDivElement>): { following: boolean; jump(): void; onScroll(): void } {
  const [following, setFollowing] = useState(true);
  const followingRef = useRef(true);

  const onScroll = useCallback(() => {
    const el = virtualizer.scrollElement;
    if (!el) return;
    const atEnd = el.scrollHeight - el.scrollTop - el.clientHeight <= FOLLOW_SLACK_PX;
    if (atEnd !== followingRef.current) {
      followingRef.current = atEnd;
      setFollowing(atEnd);
    }
  }, [virtualizer]);

  const jump = useCallback(() => {
    followingRef.current = true;
    setFollowing(true);
    virtualizer.scrollToEnd();
  }, [virtualizer]);

  return { following, jump, onScroll };
}
