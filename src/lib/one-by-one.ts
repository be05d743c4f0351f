import { coerceError } from '../errors/gateway-error';

/** A message an action was refused for, and why (the error's stable code and its message). */
export interface Refusal { messageId: number; code: string; error: string }

export interface OneByOne<T> { done: { messageId: number; value: T }[]; refused: Refusal[] }

/**
 * Runs `act` on each message in turn, one failing not stopping the others: what an operator asks
 * of many messages at once (bulk replay, bulk resolve). In turn, not all at once: each is a short
 * transaction of its own, and the store's connections stay free for the pipeline's workers.
 */
export async function oneByOne<T>(ids: readonly number[], act: (messageId: number) => Promise<T>): Promise<OneByOne<T>> {
  const out: OneByOne<T> = { done: [], refused: [] };
  for (const messageId of ids) {
    try {
      out.done.push({ messageId, value: await act(messageId) });
    } catch (err) {
      const e = coerceError(err);
      out.refused.push({ messageId, code: e.code, error: e.message });
    }
  }
  return out;
}
