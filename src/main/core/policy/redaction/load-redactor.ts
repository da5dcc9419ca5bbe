/**
 * The detectors (RE2 programs for the secret rules, libphonenumber's metadata, validator) hold
 * ~5 MiB of heap once loaded, and most installs never turn redaction on. They load on the first
 * request of a key that redacts (or the first preview), not at start-up; `serve` builds them
 * into a chunk of their own (scripts/build-core.mjs) so that nothing of them is read before.
 */
type Redactor = typeof import('./redact-request.js');

let loading: Promise<Redactor> | undefined;

export function loadRedactor(): Promise<Redactor> {
  loading ??= import('./redact-request.js');
  return loading;
}
