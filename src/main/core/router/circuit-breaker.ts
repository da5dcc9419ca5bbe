export type CircuitState = 'closed' | 'open' | 'half-open';

/** An endpoint taken out of rotation (open), or due for its probe (half-open). */
export interface OpenCircuit {
  key: string;
  state: Exclude<CircuitState, 'closed'>;
  /** Epoch ms when it opened (last time). */
  openedAt: number;
  /** Epoch ms when a probe may go. */
  openUntil: number;
  consecutiveFailures: number;
}

export type Admission = { admitted: true; probe: boolean } | { admitted: false; retryInMs: number };

interface Circuit {
  consecutiveFailures: number;
  /** While open: epoch ms when a probe may go. */
  openUntil: number;
  openedAt: number;
  cooldownMs: number;
  probing: boolean;
}

/**
 * Per-endpoint circuit breaker: `failureThreshold` consecutive failures open the circuit and
 * the endpoint sits out `cooldownMs`; then one request probes it (half-open). A good probe
 * closes the circuit; a failed one reopens it for twice as long, up to `maxCooldownMs`.
 */
export class CircuitBreaker {
  private readonly circuits = new Map<string, Circuit>();
  private readonly listeners = new Set<(key: string, state: 'open' | 'closed') => void>();

  constructor(
    private readonly settings: { failureThreshold: number; cooldownMs: number; maxCooldownMs: number },
    private readonly now: () => number = Date.now,
  ) {}

  state(key: string): CircuitState {
    const c = this.circuits.get(key);
    if (!c || c.consecutiveFailures < this.settings.failureThreshold) return 'closed';
    return this.now() < c.openUntil || c.probing ? 'open' : 'half-open';
  }

  /** Epoch ms when an open circuit lets a probe through; undefined when not open. */
  openUntil(key: string): number | undefined {
    return this.state(key) === 'open' ? this.circuits.get(key)?.openUntil : undefined;
  }

  /** How long requests must stay away (an open circuit, or a probe in flight); undefined when they may come. */
  blockedForMs(key: string): number | undefined {
    const c = this.circuits.get(key);
    if (!c || c.consecutiveFailures < this.settings.failureThreshold) return undefined;
    const left = c.openUntil - this.now();
    if (left > 0) return left;
    return c.probing ? c.cooldownMs : undefined;
  }

  /** Whether a request may go to the endpoint now; a half-open circuit admits one probe at a time. */
  admit(key: string): Admission {
    const c = this.circuits.get(key);
    if (!c || c.consecutiveFailures < this.settings.failureThreshold) return { admitted: true, probe: false };
    const blocked = this.blockedForMs(key);
    if (blocked !== undefined) return { admitted: false, retryInMs: blocked };
    c.probing = true;
    return { admitted: true, probe: true };
  }

  success(key: string): void {
    const c = this.circuits.get(key);
    this.circuits.delete(key);
    if (c && c.consecutiveFailures >= this.settings.failureThreshold) this.tell(key, 'closed');
  }

  /** Called when an endpoint's circuit opens after closed, and when it closes again (not on each failed probe). */
  onTransition(listener: (key: string, state: 'open' | 'closed') => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Every endpoint kept out of rotation or due for its probe. */
  openCircuits(): OpenCircuit[] {
    return [...this.circuits.entries()]
      .filter(([, c]) => c.consecutiveFailures >= this.settings.failureThreshold)
      .map(([key, c]) => ({ key, state: this.state(key) as OpenCircuit['state'], openedAt: c.openedAt, openUntil: c.openUntil, consecutiveFailures: c.consecutiveFailures }));
  }

  failure(key: string): void {
    let c = this.circuits.get(key);
    if (!c) {
      c = { consecutiveFailures: 0, openUntil: 0, openedAt: 0, cooldownMs: this.settings.cooldownMs, probing: false };
      this.circuits.set(key, c);
    }
    const wasProbe = c.probing;
    c.probing = false;
    c.consecutiveFailures += 1;
    if (c.consecutiveFailures < this.settings.failureThreshold) return;
    if (wasProbe) c.cooldownMs = Math.min(c.cooldownMs * 2, this.settings.maxCooldownMs);
    c.openedAt = this.now();
    c.openUntil = c.openedAt + c.cooldownMs;
    if (c.consecutiveFailures === this.settings.failureThreshold) this.tell(key, 'open');
  }

  private tell(key: string, state: 'open' | 'closed'): void {
    for (const listener of this.listeners) listener(key, state);
  }

  /** A probe that ended without a verdict (the client went away): the next request probes instead. */
  release(key: string): void {
    const c = this.circuits.get(key);
    if (c) c.probing = false;
  }
}
