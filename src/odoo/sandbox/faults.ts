/**
 * Fault injection for tests: what an unreliable Odoo looks like from the gateway.
 * - down: the port refuses connections (process stopped) or answers 503 (proxy in front of a dead Odoo);
 * - delay: answers late; the call is executed and committed first, so a client timeout is
 *   ambiguous exactly as with a real server;
 * - failNext: the next N database calls fail as PostgreSQL trouble, with nothing written
 *   ('serialization' = psycopg2 SerializationFailure after Odoo's own retries, 'operational' =
 *   psycopg2.OperationalError, DB down), or 'reset': the call commits, then the connection is
 *   dropped without an answer.
 */
export type FailKind = 'serialization' | 'operational' | 'reset';

export interface SandboxFaults {
  /** Stop answering for `ms` (forever if omitted) — 'refuse' closes the port, '503' answers Service Unavailable. Resolves once down. */
  down(ms?: number, mode?: 'refuse' | '503'): Promise<void>;
  /** Back up now (also cancels a pending automatic come-back). */
  up(): Promise<void>;
  /** Delay the next `count` answers (all answers if omitted) by `ms`. */
  delay(ms: number, count?: number): void;
  /** Make the next `n` database calls (login, execute_kw, JSON-2) fail as `kind`. */
  failNext(n: number, kind: FailKind): void;
  /**
   * The next `calls` model calls act as transactions that began `seconds` ago and commit now:
   * Odoo stamps write_date with the transaction's start, so their records appear with a
   * write_date older than records other calls committed meanwhile (a cron, a long validation).
   */
  slowTransactions(seconds: number, calls?: number): void;
  /** Clear every fault and bring the server up. */
  reset(): Promise<void>;
  /** Whether the port is currently refusing / answering 503. */
  readonly isDown: boolean;
}

export class FaultState {
  delayMs = 0;
  delayCount = 0;
  failQueue: FailKind[] = [];
  mode503 = false;

  /** The delay to apply to this answer, consuming one from the budget. */
  takeDelay(): number {
    if (this.delayCount <= 0 || this.delayMs <= 0) return 0;
    this.delayCount--;
    return this.delayMs;
  }

  takeFailure(): FailKind | undefined {
    return this.failQueue.shift();
  }

  clear(): void {
    this.delayMs = 0;
    this.delayCount = 0;
    this.failQueue = [];
    this.mode503 = false;
  }
}
