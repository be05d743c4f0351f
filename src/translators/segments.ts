/**
 * The shape translators read: a segment as its tag and its elements split into components, the
 * same for X12 and EDIFACT. Validation has already checked structure and values, so translators
 * only pick values; they read sets, never whole files, so this small copy is cheap.
 */
export interface Seg {
  tag: string;
  /** elements[0] is element 1; each element is its components (a simple element has one). */
  elements: string[][];
  /** 1-based position in the set (ST/UNH = 1), for error messages. */
  position: number;
}

/** Element `pos` (1-based), component `comp` (1-based); undefined when absent or empty. */
export function val(seg: Seg | undefined, pos: number, comp = 1): string | undefined {
  const v = seg?.elements[pos - 1]?.[comp - 1];
  return v === undefined || v === '' ? undefined : v;
}

/** Segments from [tag, element, ...] arrays, composites split on the component separator. */
export function segsFromElements(rows: readonly (readonly string[])[], componentSeparator: string | undefined): Seg[] {
  return rows.map((row, i) => ({
    tag: row[0],
    elements: row.slice(1).map((e) => (componentSeparator && e.includes(componentSeparator) ? e.split(componentSeparator) : [e])),
    position: i + 1,
  }));
}

/** An error that stops one set from translating: which line, which value, what is wrong. */
export interface TranslationIssue {
  code: 'UNKNOWN_ITEM' | 'UNKNOWN_LOCATION' | 'MISSING_VALUE' | 'BAD_VALUE' | 'UNSUPPORTED';
  message: string;
  segment?: string;
  position?: number;
  lineNumber?: string;
  value?: string;
}

/**
 * A set cut where its summary starts (the first segment `isSummary` accepts: CTT, TDS, UNS ...):
 * body before it, summary from it on. No summary: all body.
 */
export function splitSummary(segs: Seg[], isSummary: (s: Seg) => boolean): { body: Seg[]; summary: Seg[] } {
  const at = segs.findIndex(isSummary);
  return at < 0 ? { body: segs, summary: [] } : { body: segs.slice(0, at), summary: segs.slice(at) };
}
