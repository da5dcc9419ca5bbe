import { z } from 'zod/mini';
import {
  appKeyListSchema,
  appKeyViewSchema,
  createdAppKeySchema,
  type CreateAppKey,
  type UpdateAppKey,
} from '../../shared/control/app-keys.js';
import { callApi } from './client.js';

/** The app-key routes of the control API (src/main/core/control/app-keys-routes.ts). */
export const appKeysApi = {
  list: () => callApi('GET', '/app-keys', appKeyListSchema),
  create: (input: CreateAppKey) => callApi('POST', '/app-keys', createdAppKeySchema, input),
  update: (id: number, change: UpdateAppKey) => callApi('PATCH', `/app-keys/${id}`, appKeyViewSchema, change),
  revoke: (id: number) => callApi('DELETE', `/app-keys/${id}`, z.undefined()),
};
