/**
 * Where outbound control numbers and SSCC serials come from. Renderers stay pure: the caller
 * decides whether numbers are taken from the store for good (sending) or counted from 1 (a
 * preview or a test, which must not use up the partner's sequence).
 */
export type X12ControlKind = 'isa' | 'gs' | 'st';

export interface ControlNumberAllocator {
  next(kind: X12ControlKind): Promise<number>;
}

/** Serial references for SSCCs of packs that have none, per GS1 company prefix. */
export interface SsccSerialSource {
  next(companyPrefix: string): Promise<number>;
}

/** Counts each kind from `start`: deterministic numbers for previews and tests. */
export function sequentialAllocator<K extends string = X12ControlKind>(start = 1): { next(kind: K): Promise<number> } {
  const last = new Map<K, number>();
  return {
    async next(kind) {
      const n = (last.get(kind) ?? start - 1) + 1;
      last.set(kind, n);
      return n;
    },
  };
}

/** Counts serials from `start` per company prefix: deterministic SSCCs for previews and tests. */
export function sequentialSsccSerials(start = 1): SsccSerialSource {
  const last = new Map<string, number>();
  return {
    async next(prefix) {
      const n = (last.get(prefix) ?? start - 1) + 1;
      last.set(prefix, n);
      return n;
    },
  };
}
