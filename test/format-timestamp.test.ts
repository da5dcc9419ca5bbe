import { describe, expect, it } from 'vitest';
import { formatTimestamp } from '../src/renderer/format.js';

describe('formatTimestamp', () => {
  // The formatters are made once now; the text must stay what toLocale*String wrote.
  it('writes what toLocaleTimeString and toLocaleDateString write, today and on other days', () => {
    const now = new Date('2026-03-14T15:09:26Z');
    for (let i = 0; i < 500; i++) {
      const at = new Date(now.getTime() - i * 7_919_000);
      const time = at.toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit', second: '2-digit' });
      const expected = at.toDateString() === now.toDateString() ? time : `${at.toLocaleDateString(undefined, { month: 'short', day: 'numeric' })} ${time}`;
      expect(formatTimestamp(at.toISOString(), now)).toBe(expected);
    }
    expect(formatTimestamp('not a time', now)).toBe('not a time');
  });
});
