import { andDomain, minusSeconds, ODOO_EPOCH, windowDomain, windowStart } from '../../src/odoo/events/scan-window';

describe('Odoo event scan window', () => {
  it('starts the overlap back from the watermark, never before the first scan\'s floor', () => {
    expect(windowStart({ writeDate: '2026-11-27 10:00:00', floor: ODOO_EPOCH }, 1800)).toBe('2026-11-27 09:30:00');
    expect(windowStart({ writeDate: '2026-11-27 10:00:00', floor: '2026-11-27 09:50:00' }, 1800)).toBe('2026-11-27 09:50:00');
    // Across midnight and a month's end.
    expect(minusSeconds('2026-12-01 00:10:00', 1200)).toBe('2026-11-30 23:50:00');
    expect(minusSeconds('1970-01-01 00:00:05', 60)).toBe(ODOO_EPOCH);
    expect(minusSeconds('not a date', 60)).toBe(ODOO_EPOCH);
  });

  it('pages by id inside the window, in explicit prefix form', () => {
    expect(windowDomain([['state', '=', 'sale']], '2026-11-27 09:30:00')).toEqual(
      ['&', ['state', '=', 'sale'], ['write_date', '>=', '2026-11-27 09:30:00']]);
    expect(windowDomain([['a', '=', 1], ['b', '=', 2]], 'S', 41)).toEqual(
      ['&', '&', '&', ['a', '=', 1], ['b', '=', 2], ['write_date', '>=', 'S'], ['id', '>', 41]]);
    expect(andDomain([])).toEqual([]);
    expect(andDomain([['a', '=', 1]])).toEqual([['a', '=', 1]]);
  });
});
