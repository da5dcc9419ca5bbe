/** What `GET /_app/api/events` announces; the page then fetches that resource again. */
export const CONTROL_EVENT_NAMES = ['usage', 'providers', 'models', 'conversations', 'app-keys', 'privacy', 'circuits'] as const;
export type ControlEventName = (typeof CONTROL_EVENT_NAMES)[number];
