import crypto from 'node:crypto';
import os from 'node:os';
import pg from 'pg';
import type { Logger } from '../log/logger';
import { heartbeat, reapDeadWorkers, registerWorker, removeWorker, type WorkerIdentity } from './leases';

export interface LeaseSettings {
  /** A worker whose heartbeat is older than this is dead, and the jobs it held run elsewhere. */
  leaseSeconds: number;
  /** How often this process renews its heartbeat and looks for dead workers' jobs. */
  heartbeatSeconds: number;
  /** Recoveries of one job that cost no retry (see leases.ts). */
  maxFreeRecoveries: number;
}

export const DEFAULT_LEASES: LeaseSettings = { leaseSeconds: 15, heartbeatSeconds: 3, maxFreeRecoveries: 100 };

/**
 * This process's heartbeat, and the reaper of dead workers' jobs, on a connection of its own so
 * that busy job lanes never delay a heartbeat into a false death.
 */
export class LeaseKeeper {
  readonly identity: WorkerIdentity = { id: crypto.randomUUID(), pid: process.pid, host: os.hostname() };
  private readonly pool: pg.Pool;
  private timer?: NodeJS.Timeout;
  private tick?: Promise<void>;
  private registered = false;
  private stopped = false;

  constructor(
    connection: pg.ClientConfig,
    private readonly settings: LeaseSettings,
    private readonly queues: string[],
    private readonly log: Logger,
    /** Told when jobs became runnable again, to fetch them at once. */
    private readonly onRecovered: () => void,
  ) {
    this.pool = new pg.Pool({ ...connection, max: 1, application_name: 'edi-gateway-leases' });
    this.pool.on('error', (err) => log.warn({ err: err.message }, 'job lease connection lost; it reconnects on the next heartbeat'));
  }

  get workerId(): string {
    return this.identity.id;
  }

  /** Registers this worker (before its first fetch) and starts the heartbeat; a first reap runs at once. */
  async start(): Promise<void> {
    if (this.registered || this.stopped) return;
    await registerWorker(this.pool, this.identity);
    this.registered = true;
    this.tick = this.beat();
    const loop = () => {
      if (this.stopped) return;
      this.timer = setTimeout(() => { this.tick = this.beat().finally(loop); }, this.settings.heartbeatSeconds * 1000);
    };
    loop();
  }

  private async beat(): Promise<void> {
    try {
      if (!(await heartbeat(this.pool, this.identity.id))) {
        // Our heartbeat stalled past the lease and another process took our jobs: whatever we
        // still hold can no longer be settled (leases.ts fences it). Come back as a live worker.
        this.log.error({ workerId: this.identity.id, leaseSeconds: this.settings.leaseSeconds },
          'this process was presumed dead (no heartbeat within the lease); the jobs it held were handed to other workers');
        await registerWorker(this.pool, this.identity);
      }
      const { dead, recovered } = await reapDeadWorkers(this.pool, {
        self: this.identity.id, queues: this.queues, leaseSeconds: this.settings.leaseSeconds, maxFreeRecoveries: this.settings.maxFreeRecoveries,
      });
      for (const w of dead) this.log.warn({ workerId: w.id, pid: w.pid, host: w.host }, 'a queue worker stopped heartbeating: its jobs run again');
      for (const j of recovered) {
        if (j.state === 'failed') this.log.error({ jobId: j.id, queue: j.name, recoveries: j.recoveries }, 'job failed: its worker died every time it ran, and its retries are used up');
        else this.log.warn({ jobId: j.id, queue: j.name, recoveries: j.recoveries }, 'job of a dead worker handed out again');
      }
      if (recovered.length) this.onRecovered();
    } catch (err) {
      this.log.warn({ err: (err as Error).message }, 'job lease heartbeat failed; retrying');
    }
  }

  /** Stops the heartbeat and removes this worker, which drops any lease it still has. Bounded by the caller. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.tick;
    if (this.registered) {
      this.registered = false;
      await removeWorker(this.pool, this.identity.id).catch((err) =>
        this.log.warn({ err: (err as Error).message }, 'could not remove this queue worker; its leases lapse on their own'));
    }
    await this.pool.end();
  }
}
