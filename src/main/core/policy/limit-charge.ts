import type { UsageRecord } from '../usage/usage-record.js';

/** The status a request is logged with when its client went away (or shutdown stopped it). */
const CLIENT_LEFT = 499;

/**
 * What a logged request counts against its app key's spend limit.
 *
 * Zero-completion insurance: a request that failed (status >= 400, including cancelled and
 * cut streams) or that finished without producing a single output token costs 0 against
 * limits. A client that left (499) is the exception: the provider bills what it generated until
 * then, so the request is charged that (else cancelling every stream once its text arrived
 * would escape the limit); one that left before any output costs 0. Its row still records its tokens and its `cost`, which stays what the provider
 * bills (a BYOK provider may charge for the prompt of an empty answer): `cost` is the truth
 * about money, the charge is the policy about budgets. "Finished" means the upstream gave a
 * finish_reason, so embeddings (no output tokens, no finish_reason) are charged their cost.
 * A row whose price is unknown (null cost) charges 0; limited keys never reach such models.
 *
 * LIMIT_CHARGE_SQL is the same rule over a `requests` row; the two must stay in step.
 */
export function limitCharge(row: Pick<UsageRecord, 'status' | 'completionTokens' | 'finishReason' | 'cost'>): number {
  if (row.status === CLIENT_LEFT) return row.completionTokens > 0 ? (row.cost ?? 0) : 0;
  if (row.status >= 400) return 0;
  if (row.completionTokens === 0 && row.finishReason !== null) return 0;
  return row.cost ?? 0;
}

export const LIMIT_CHARGE_SQL = `CASE WHEN status = ${CLIENT_LEFT} THEN CASE WHEN completion_tokens > 0 THEN COALESCE(cost, 0) ELSE 0 END
  WHEN status >= 400 OR (completion_tokens = 0 AND finish_reason IS NOT NULL) THEN 0 ELSE COALESCE(cost, 0) END`;
