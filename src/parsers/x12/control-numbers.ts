/**
 * The ST02 control numbers seen in one group, to find one used twice. Senders number their sets
 * 0001, 0002, ...: numbers that keep counting up are held as ranges, so a group of 100,000 sets
 * costs a comparison per set rather than a hash lookup into a table that outgrows the cache.
 * Anything else (letters, numbers out of order) goes to a plain Set.
 */
export class ControlNumberSet {
  /** Per string length: ranges of all-digit numbers written with that many digits, [lo, hi, lo, hi, ...] ascending. */
  private readonly ranges: number[][] = [];
  private readonly others = new Set<string>();

  has(control: string): boolean {
    const v = numberOf(control);
    if (v >= 0) {
      const r = this.ranges[control.length];
      if (r && inRanges(r, v)) return true;
    }
    return this.others.has(control);
  }

  add(control: string): void {
    this.addAgain(control);
  }

  /** Adds a control number; says whether it was there already (one parse for both questions). */
  addAgain(control: string): boolean {
    const v = numberOf(control);
    if (v >= 0) {
      const r = (this.ranges[control.length] ??= []);
      const n = r.length;
      if (n && v === r[n - 1] + 1) {
        r[n - 1] = v;
        return this.others.size > 0 && this.others.has(control);
      }
      if (!n || v > r[n - 1] + 1) {
        r.push(v, v);
        return this.others.size > 0 && this.others.has(control);
      }
      if (inRanges(r, v)) return true;
    }
    const had = this.others.has(control);
    this.others.add(control);
    return had;
  }

  clear(): void {
    this.ranges.length = 0;
    this.others.clear();
  }
}

/** The value of a string of one to nine digits, else -1. */
function numberOf(s: string): number {
  if (s.length === 0 || s.length > 9) return -1;
  let v = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x30 || c > 0x39) return -1;
    v = v * 10 + c - 0x30;
  }
  return v;
}

function inRanges(r: number[], v: number): boolean {
  const n = r.length >> 1;
  if (n === 0) return false;
  if (v >= r[(n - 1) * 2]) return v <= r[n * 2 - 1]; // the newest range: the usual question
  let lo = 0;
  let hi = n - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (v < r[mid * 2]) hi = mid - 1;
    else if (v > r[mid * 2 + 1]) lo = mid + 1;
    else return true;
  }
  return false;
}
