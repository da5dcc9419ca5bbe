import {
  egressAuditListSchema,
  globalPolicySchema,
  keyHistoryDeletedSchema,
  keyPolicyListSchema,
  providerPolicyListSchema,
  redactionPreviewSchema,
  type GlobalPolicyPatch,
  type KeyPolicyPatch,
} from '../../shared/control/privacy.js';
import { callApi } from './client.js';

/** The Privacy screen's control routes, typed by the schemas the server parses with. */
export const privacyApi = {
  global: () => callApi('GET', '/privacy/global', globalPolicySchema),
  setGlobal: (patch: GlobalPolicyPatch) => callApi('PATCH', '/privacy/global', globalPolicySchema, patch),
  keys: () => callApi('GET', '/privacy/keys', keyPolicyListSchema),
  setKey: (name: string, patch: KeyPolicyPatch) => callApi('PATCH', `/privacy/keys/${encodeURIComponent(name)}`, keyPolicyListSchema, patch),
  forgetHistory: (name: string) => callApi('DELETE', `/privacy/keys/${encodeURIComponent(name)}/history`, keyHistoryDeletedSchema),
  preview: (key: string, text: string) => callApi('POST', '/privacy/preview', redactionPreviewSchema, { key, text }),
  providers: () => callApi('GET', '/privacy/providers', providerPolicyListSchema),
  audit: () => callApi('GET', '/privacy/audit', egressAuditListSchema),
};
