/**
 * Dates and times as a partner reads them: every date and time we write is the partner's wall
 * clock in the IANA zone its profile names (outbound.timeZone, UTC by default), and where a
 * segment has room for it, the X12 time code (element 623) says which clock that is. A US partner
 * reads an untagged time as its local time, so a UTC stamp would be off by hours, and a picking
 * done at 02:00 UTC would ship "tomorrow" in New York. Pure: Intl's time zone data, no I/O.
 */

export const DEFAULT_TIME_ZONE = 'UTC';

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(zone: string): Intl.DateTimeFormat {
  let f = formatters.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: zone, hourCycle: 'h23',
      year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit',
    });
    formatters.set(zone, f);
  }
  return f;
}

/** True when Intl knows the zone (an IANA name such as America/New_York, or UTC). */
export function isTimeZone(zone: string): boolean {
  if (!zone || zone !== zone.trim()) return false;
  try {
    formatter(zone);
    return true;
  } catch {
    return false;
  }
}

/** A moment on a partner's clock. */
export interface WallClock {
  /** YYYY-MM-DD */
  date: string;
  /** HHMM */
  time: string;
  /** SS */
  seconds: string;
  /** The zone's offset from UTC at that moment, in minutes (New York in summer: -240). */
  offsetMinutes: number;
}

/** What a clock in `zone` shows at `instant`. */
export function wallClock(instant: Date, zone: string = DEFAULT_TIME_ZONE): WallClock {
  if (Number.isNaN(instant.getTime())) throw new RangeError('wallClock: not a valid date');
  const parts: Record<string, string> = {};
  for (const p of formatter(zone).formatToParts(instant)) parts[p.type] = p.value;
  const { year, month, day, hour, minute, second } = parts;
  const asUtc = Date.UTC(Number(year), Number(month) - 1, Number(day), Number(hour), Number(minute), Number(second));
  const whole = Math.floor(instant.getTime() / 1000) * 1000;
  return { date: `${year}-${month}-${day}`, time: `${hour}${minute}`, seconds: second, offsetMinutes: Math.round((asUtc - whole) / 60_000) };
}

const ODOO_DATETIME = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?$/;
const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

/** Odoo's datetime string ('YYYY-MM-DD HH:MM:SS', always UTC) as an instant; undefined for anything else. */
export function parseOdooDateTime(v: string): Date | undefined {
  const m = ODOO_DATETIME.exec(v);
  if (!m) return undefined;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6] ?? 0)));
  return Number.isNaN(d.getTime()) ? undefined : d;
}

/**
 * The partner's day of an Odoo value: a datetime (UTC) moves to the partner's zone before the day
 * is taken; a pure date field ('YYYY-MM-DD', e.g. invoice_date) is a day already and stays.
 */
export function partnerDay(v: string | false | undefined | null, zone: string = DEFAULT_TIME_ZONE): string | undefined {
  if (typeof v !== 'string') return undefined;
  if (ISO_DATE.test(v)) return v;
  const instant = parseOdooDateTime(v);
  return instant ? wallClock(instant, zone).date : undefined;
}

/** HHMM of an Odoo datetime on the partner's clock; undefined for a pure date or nothing. */
export function partnerTime(v: string | false | undefined | null, zone: string = DEFAULT_TIME_ZONE): string | undefined {
  if (typeof v !== 'string') return undefined;
  const instant = parseOdooDateTime(v);
  return instant ? wallClock(instant, zone).time : undefined;
}

/**
 * The instant a partner's clock shows `date` `time` (HHMM). In the hour a DST change repeats, the
 * first (daylight) reading; in the hour it skips, the moment the clock jumps past.
 */
export function instantOf(date: string, time: string, zone: string = DEFAULT_TIME_ZONE): Date {
  const [y, mo, d] = date.split('-').map(Number);
  const asUtc = Date.UTC(y, mo - 1, d, Number(time.slice(0, 2)), Number(time.slice(2, 4)));
  // The offset just before and after the guess: for a repeated hour the earlier (larger) one wins.
  const before = wallClock(new Date(asUtc - 86_400_000 / 2), zone).offsetMinutes;
  const after = wallClock(new Date(asUtc + 86_400_000 / 2), zone).offsetMinutes;
  const candidates = [...new Set([Math.max(before, after), Math.min(before, after)])]
    .map((off) => new Date(asUtc - off * 60_000))
    .filter((i) => { const w = wallClock(i, zone); return w.date === date && w.time === time.slice(0, 4); });
  return candidates[0] ?? new Date(asUtc - Math.min(before, after) * 60_000);
}

/** North American time zone families by standard offset: X12 623 has named codes for these. */
const FAMILIES: Record<number, string> = { [-210]: 'N', [-240]: 'T', [-300]: 'E', [-360]: 'C', [-420]: 'M', [-480]: 'P', [-540]: 'A', [-600]: 'H' };
const NORTH_AMERICAN = /^(America|US|Canada)\/|^Pacific\/Honolulu$|^(EST5EDT|CST6CDT|MST7MDT|PST8PDT)$/;
const UTC_NAMES = new Set(['UTC', 'Etc/UTC', 'Etc/UCT', 'UCT', 'Etc/Universal', 'Universal', 'Zulu', 'Etc/Zulu', 'Etc/GMT', 'GMT']);

/**
 * X12 time code (element 623) of `zone` at `instant`: UT for UTC; for North American zones the
 * named standard/daylight code (ES/ED, CS/CD, MS/MD, PS/PD, AS/AD, HS/HD, TS/TD, NS/ND), so a
 * reader needs no zone rules; elsewhere the ISO offset codes (01-12 for +01..+12, 13-24 for
 * -12..-01) or GM at +00. Undefined when the offset is not whole hours and has no named code.
 */
export function x12TimeCode(instant: Date, zone: string = DEFAULT_TIME_ZONE): string | undefined {
  if (UTC_NAMES.has(zone)) return 'UT';
  const offset = wallClock(instant, zone).offsetMinutes;
  if (NORTH_AMERICAN.test(zone)) {
    const year = Number(wallClock(instant, zone).date.slice(0, 4));
    const standard = Math.min(wallClock(new Date(Date.UTC(year, 0, 1)), zone).offsetMinutes, wallClock(new Date(Date.UTC(year, 6, 1)), zone).offsetMinutes);
    const family = FAMILIES[standard];
    if (family) return `${family}${offset > standard ? 'D' : 'S'}`;
  }
  if (offset === 0) return 'GM';
  if (offset % 60 !== 0 || Math.abs(offset) > 12 * 60) return undefined;
  const hours = offset / 60;
  return String(hours > 0 ? hours : 25 + hours).padStart(2, '0');
}

/** The X12 time code for a time written on the partner's clock (`date` YYYY-MM-DD, `time` HHMM). */
export function x12TimeCodeAt(date: string, time: string, zone: string = DEFAULT_TIME_ZONE): string | undefined {
  return x12TimeCode(instantOf(date, time, zone), zone);
}
