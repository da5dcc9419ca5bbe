import {
  activityDetailSchema,
  activityPageSchema,
  loggedAnswerSchema,
  replayAnswerSchema,
  type ActivityQuery,
  type ReplayRequest,
} from '../../shared/control/activity.js';
import { callApi } from './client.js';

function queryString(query: ActivityQuery): string {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(query)) if (value !== undefined && value !== '') params.set(name, String(value));
  return params.toString();
}

/** The activity routes of the control API (src/main/core/control/activity-routes.ts). */
export const activityApi = {
  page: (query: ActivityQuery) => callApi('GET', `/activity?${queryString(query)}`, activityPageSchema),
  detail: (id: string) => callApi('GET', `/activity/${encodeURIComponent(id)}`, activityDetailSchema),
  answer: (id: string) => callApi('GET', `/activity/${encodeURIComponent(id)}/answer`, loggedAnswerSchema),
  replay: (id: string, request: ReplayRequest) => callApi('POST', `/activity/${encodeURIComponent(id)}/replay`, replayAnswerSchema, request),
};
