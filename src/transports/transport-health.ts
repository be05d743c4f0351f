/**
 * What this process's transports did, for /metrics: polls that failed (a server down, a login
 * refused, a folder unreadable) never reach the store, so they are counted here. Per process, as
 * Prometheus scrapes each process; the store's figures are the cluster's.
 */
export interface TransportPollStats {
  transport: string;
  partner: string;
  polls: number;
  failures: number;
  /** The last error's code (ECONNREFUSED, TRANSPORT_AUTH ...), until a poll succeeds. */
  lastErrorCode: string | null;
  lastSuccessAt: Date | null;
}

export class TransportHealth {
  private readonly stats = new Map<string, TransportPollStats>();

  private of(transport: string, partner: string): TransportPollStats {
    const key = `${transport}\0${partner}`;
    let s = this.stats.get(key);
    if (!s) this.stats.set(key, (s = { transport, partner, polls: 0, failures: 0, lastErrorCode: null, lastSuccessAt: null }));
    return s;
  }

  pollSucceeded(transport: string, partner: string, at = new Date()): void {
    const s = this.of(transport, partner);
    s.polls++;
    s.lastSuccessAt = at;
    s.lastErrorCode = null;
  }

  pollFailed(transport: string, partner: string, code: string | undefined): void {
    const s = this.of(transport, partner);
    s.polls++;
    s.failures++;
    s.lastErrorCode = code ?? 'UNKNOWN';
  }

  snapshot(): TransportPollStats[] {
    return [...this.stats.values()].map((s) => ({ ...s }));
  }
}

/** The process's one record: every transport of the daemon writes to it, /metrics reads it. */
export const transportHealth = new TransportHealth();
