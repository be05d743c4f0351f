import { GatewayError } from '../../errors/gateway-error';
import type { Logger } from '../../log/logger';
import { isUnavailability, OdooTransportError, retrySafety, toGatewayError } from './odoo-errors';
import { backoffDelay, CircuitBreaker, Semaphore } from './resilience';
import type { OdooTransport, OdooVersion } from './transport';

export type Domain = unknown[];
/** A many2one as read: [id, display name], or false. */
export type Many2one = [number, string] | false;

export interface LoadResult {
  ids: number[] | false;
  messages: { type: string; message: string; field?: string; rows?: unknown; record?: number }[];
}

/** One way to talk to Odoo, whatever the transport. Every error is a GatewayError with a stable code. */
export interface OdooClient {
  call<T = unknown>(model: string, method: string, args?: unknown[], kwargs?: Record<string, unknown>): Promise<T>;
  searchRead<T = Record<string, any>>(model: string, domain: Domain, fields: string[], options?: { order?: string; limit?: number; offset?: number; context?: Record<string, unknown> }): Promise<T[]>;
  read<T = Record<string, any>>(model: string, ids: number[], fields: string[]): Promise<T[]>;
  create(model: string, vals: Record<string, unknown>, context?: Record<string, unknown>): Promise<number>;
  write(model: string, ids: number[], vals: Record<string, unknown>): Promise<boolean>;
  /** The atomic upsert by external id (ODOO-NOTES §4); `ids` false and messages when nothing was written. */
  load(model: string, fields: string[], rows: unknown[][]): Promise<LoadResult>;
  /** The [model, id] of an external id, or undefined when it does not exist. */
  checkObjectReference(module: string, name: string): Promise<[string, number] | undefined>;
  /** The model's field names (cached): fields that came and went across versions and modules. */
  fieldNames(model: string): Promise<Set<string>>;
  version(): Promise<OdooVersion>;
}

/** Methods that change nothing: a timeout or a reset connection may be retried at once. */
const READ_ONLY = new Set(['search', 'search_read', 'search_count', 'read', 'fields_get', 'name_search', 'check_object_reference', 'context_get', 'default_get', 'read_group', 'get_metadata', 'has_access', 'has_group']);

export interface ClientOptions {
  maxConcurrent: number;
  /** Attempts for a failure that is safe to repeat; 1 = no retry. */
  attempts: number;
  circuit: CircuitBreaker;
  retryBaseMs?: number;
  retryMaxMs?: number;
  log?: Logger;
  sleep?: (ms: number) => Promise<void>;
}

/**
 * The transport behind a concurrency cap, a circuit breaker, and retries with backoff and jitter
 * for what is safe to repeat (ODOO-NOTES §3): nothing else is retried here. An ambiguous failure
 * of a write (a timeout) goes back to the caller as retryable; writers re-read by their
 * idempotency key before writing again.
 */
export class ResilientOdooClient implements OdooClient {
  private readonly semaphore: Semaphore;
  private readonly fields = new Map<string, Promise<Set<string>>>();
  private versionInfo: Promise<OdooVersion> | undefined;

  constructor(readonly transport: OdooTransport, private readonly options: ClientOptions) {
    this.semaphore = new Semaphore(options.maxConcurrent);
  }

  get circuit(): CircuitBreaker {
    return this.options.circuit;
  }

  private async attempt<T>(what: { model: string; method: string }, readOnly: boolean, fn: () => Promise<unknown>): Promise<T> {
    const sleep = this.options.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
    for (let attempt = 0; ; attempt++) {
      this.options.circuit.admit();
      try {
        const result = await this.semaphore.run(fn);
        this.options.circuit.success();
        return result as T;
      } catch (err) {
        if (!(err instanceof OdooTransportError)) throw err instanceof GatewayError ? err : new GatewayError('INTERNAL', `Odoo ${what.model}.${what.method}: ${(err as Error).message}`, undefined, { cause: err });
        const f = err.failure;
        if (isUnavailability(f)) this.options.circuit.failure();
        else this.options.circuit.success(); // Odoo answered: it is up, whatever it said.
        const safety = retrySafety(f);
        const again = safety === 'safe' || (safety === 'ambiguous' && readOnly);
        if (!again || attempt + 1 >= this.options.attempts || this.options.circuit.state !== 'closed') throw toGatewayError(f, what, err);
        const delay = backoffDelay(attempt, this.options.retryBaseMs ?? 200, this.options.retryMaxMs ?? 5000);
        this.options.log?.debug({ model: what.model, method: what.method, attempt: attempt + 1, delay, failure: f.message }, 'Odoo call retried');
        await sleep(delay);
      }
    }
  }

  call<T = unknown>(model: string, method: string, args: unknown[] = [], kwargs: Record<string, unknown> = {}): Promise<T> {
    return this.attempt<T>({ model, method }, READ_ONLY.has(method), () => this.transport.execute(model, method, args, kwargs));
  }

  searchRead<T = Record<string, any>>(model: string, domain: Domain, fields: string[], options: { order?: string; limit?: number; offset?: number; context?: Record<string, unknown> } = {}): Promise<T[]> {
    const kwargs: Record<string, unknown> = { fields };
    if (options.order) kwargs.order = options.order;
    if (options.limit) kwargs.limit = options.limit;
    if (options.offset) kwargs.offset = options.offset;
    if (options.context) kwargs.context = options.context;
    return this.call<T[]>(model, 'search_read', [domain], kwargs);
  }

  read<T = Record<string, any>>(model: string, ids: number[], fields: string[]): Promise<T[]> {
    if (!ids.length) return Promise.resolve([]);
    return this.call<T[]>(model, 'read', [ids], { fields });
  }

  async create(model: string, vals: Record<string, unknown>, context?: Record<string, unknown>): Promise<number> {
    const result = await this.call<number | number[]>(model, 'create', [[vals]], context ? { context } : {});
    return Array.isArray(result) ? result[0] : result;
  }

  async write(model: string, ids: number[], vals: Record<string, unknown>): Promise<boolean> {
    return Boolean(await this.call(model, 'write', [ids, vals]));
  }

  async load(model: string, fields: string[], rows: unknown[][]): Promise<LoadResult> {
    const r = await this.call<LoadResult>(model, 'load', [fields, rows]);
    return { ids: r?.ids ?? false, messages: r?.messages ?? [] };
  }

  async checkObjectReference(module: string, name: string): Promise<[string, number] | undefined> {
    try {
      const r = await this.call<[string, number]>('ir.model.data', 'check_object_reference', [module, name]);
      return Array.isArray(r) && typeof r[1] === 'number' ? [r[0], r[1]] : undefined;
    } catch (err) {
      // A missing external id is a ValueError "External ID not found in the system: edi.x".
      if (err instanceof GatewayError && err.code === 'ODOO_BAD_REQUEST' && /not found/i.test(err.message)) return undefined;
      throw err;
    }
  }

  fieldNames(model: string): Promise<Set<string>> {
    let cached = this.fields.get(model);
    if (!cached) {
      cached = this.call<Record<string, unknown>>(model, 'fields_get', [], { attributes: ['type'] }).then((f) => new Set(Object.keys(f ?? {})));
      cached.catch(() => this.fields.delete(model));
      this.fields.set(model, cached);
    }
    return cached;
  }

  version(): Promise<OdooVersion> {
    this.versionInfo ??= this.attempt<OdooVersion>({ model: 'common', method: 'version' }, true, () => this.transport.version());
    this.versionInfo.catch(() => { this.versionInfo = undefined; });
    return this.versionInfo;
  }
}
