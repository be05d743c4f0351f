import { OdooTransportError, type OdooFailure } from './odoo-errors';

/**
 * The only code that speaks Odoo's wire protocols. Not XML-RPC: it cannot marshal None, so a
 * method that returns nothing (action_unlock, action_apply_inventory) reports a fault after its
 * change was committed (ODOO-NOTES §1.2) — a failure that is not one is worse than no answer.
 */
export interface OdooTransport {
  readonly api: 'jsonrpc' | 'json2';
  execute(model: string, method: string, args: unknown[], kwargs: Record<string, unknown>): Promise<unknown>;
  /** Odoo's version, e.g. { serverVersion: '18.0', major: 18 }. */
  version(): Promise<OdooVersion>;
}

export interface OdooVersion {
  serverVersion: string;
  major: number;
}

export interface OdooConnection {
  url: string;
  db: string;
  user: string;
  apiKey: string;
  timeoutMs: number;
}

/** fetch with a time limit; every way it fails becomes an OdooTransportError. */
export async function post(url: string, init: RequestInit, timeoutMs: number): Promise<Response> {
  try {
    return await fetch(url, { ...init, signal: AbortSignal.timeout(timeoutMs), redirect: 'manual' });
  } catch (err) {
    throw new OdooTransportError(networkFailure(err, url));
  }
}

export function networkFailure(err: unknown, url: string): OdooFailure {
  const e = err as { name?: string; message?: string; cause?: { code?: string; message?: string; errors?: { code?: string }[] } };
  if (e?.name === 'TimeoutError' || e?.name === 'AbortError') return { kind: 'timeout', message: `no answer from ${url}` };
  // Trying IPv4 and IPv6 (happy eyeballs) fails with an AggregateError whose parts carry the codes.
  const code = e?.cause?.code ?? e?.cause?.errors?.find((x) => x?.code)?.code;
  return { kind: 'network', code, message: `${url}: ${code ?? e?.cause?.message ?? e?.message ?? String(err)}` };
}

/** The body of a response that is not what we expected, cut short: a proxy's HTML page says enough in 200 characters. */
export async function snippet(res: Response): Promise<string> {
  const text = await res.text().catch(() => '');
  return text.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ').trim().slice(0, 200);
}

export function majorOf(info: unknown, fallback: unknown): number {
  if (Array.isArray(info) && typeof info[0] === 'number') return info[0];
  const m = /(\d+)/.exec(String(fallback ?? ''));
  return m ? Number(m[1]) : 0;
}
