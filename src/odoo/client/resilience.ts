import { GatewayError } from '../../errors/gateway-error';

export { Semaphore } from '../../lib/semaphore';

export type CircuitState = 'closed' | 'open' | 'half-open';

/**
 * Stops hammering a down Odoo. After `failures` consecutive unavailability failures the circuit
 * opens: calls fail at once with a retryable ODOO_UNAVAILABLE, so messages wait in the job queue
 * (with its backoff) instead of in sockets. After `cooldownMs` one trial call goes through
 * (half-open); its success closes the circuit, its failure opens it for another cool-down.
 */
export class CircuitBreaker {
  private consecutive = 0;
  private openedAt: number | undefined;
  private trial = false;

  constructor(private readonly options: { failures: number; cooldownMs: number; now?: () => number }) {}

  private now(): number {
    return this.options.now ? this.options.now() : Date.now();
  }

  get state(): CircuitState {
    if (this.openedAt === undefined) return 'closed';
    return this.now() - this.openedAt >= this.options.cooldownMs ? 'half-open' : 'open';
  }

  /** Throws when the call may not go out; otherwise the caller must report its outcome. */
  admit(): void {
    const state = this.state;
    if (state === 'closed') return;
    if (state === 'half-open' && !this.trial) {
      this.trial = true;
      return;
    }
    const wait = Math.max(0, Math.ceil((this.openedAt! + this.options.cooldownMs - this.now()) / 1000));
    throw new GatewayError('ODOO_UNAVAILABLE',
      `Odoo is unavailable (${this.consecutive} failures in a row); not calling it for ${state === 'open' ? `another ${wait}s` : 'now: a trial call is in flight'}`,
      { circuit: state });
  }

  success(): void {
    this.consecutive = 0;
    this.openedAt = undefined;
    this.trial = false;
  }

  /** An unavailability failure. Other errors (a validation error) prove Odoo is up: report them as success. */
  failure(): void {
    this.consecutive++;
    if (this.trial || this.consecutive >= this.options.failures) this.openedAt = this.now();
    this.trial = false;
  }
}

/** Exponential backoff with full jitter: a random wait up to base x 2^attempt, capped. */
export function backoffDelay(attempt: number, baseMs: number, maxMs: number, random: () => number = Math.random): number {
  return Math.round(random() * Math.min(maxMs, baseMs * 2 ** attempt));
}
