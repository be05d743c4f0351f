import {
  instantOf, isTimeZone, parseOdooDateTime, partnerDay, partnerTime, wallClock, x12TimeCode, x12TimeCodeAt,
} from '../../src/translators/partner-time';

const at = (iso: string) => new Date(iso);

describe('partner time: Odoo UTC datetimes on the partner\'s clock', () => {
  it('knows IANA zones and refuses what is not one', () => {
    for (const z of ['UTC', 'America/New_York', 'America/Chicago', 'Europe/Stockholm', 'Asia/Kolkata']) expect(isTimeZone(z)).toBe(true);
    for (const z of ['', 'America/NewYork', 'EST-5', 'Mars/Olympus', ' UTC']) expect(isTimeZone(z)).toBe(false);
  });

  it('takes the day after moving to the zone: 02:00 UTC is the previous evening in New York, the same morning in Stockholm', () => {
    expect(partnerDay('2026-07-15 02:00:00', 'America/New_York')).toBe('2026-07-14');
    expect(partnerTime('2026-07-15 02:00:00', 'America/New_York')).toBe('2200');
    expect(partnerDay('2026-07-15 02:00:00', 'Europe/Stockholm')).toBe('2026-07-15');
    expect(partnerTime('2026-07-15 02:00:00', 'Europe/Stockholm')).toBe('0400');
    expect(partnerDay('2026-07-15 02:00:00', 'UTC')).toBe('2026-07-15');
    expect(partnerTime('2026-07-15 02:00:00')).toBe('0200');
    // 22:30 UTC on New Year's Eve is already next year in Stockholm.
    expect(partnerDay('2026-12-31 23:30:00', 'Europe/Stockholm')).toBe('2027-01-01');
  });

  it('leaves a pure date as it is and ignores what is not a date', () => {
    expect(partnerDay('2026-07-15', 'America/New_York')).toBe('2026-07-15');
    expect(partnerTime('2026-07-15', 'America/New_York')).toBeUndefined();
    expect(partnerDay(false, 'America/New_York')).toBeUndefined();
    expect(partnerDay('yesterday', 'UTC')).toBeUndefined();
    expect(parseOdooDateTime('2026-07-15 02:00:00.123456')?.toISOString()).toBe('2026-07-15T02:00:00.000Z');
  });

  it('follows the US DST changes of 2026 (8 March, 1 November) with the right offset and code', () => {
    // 8 March 2026: 02:00 EST becomes 03:00 EDT at 07:00 UTC.
    expect(wallClock(at('2026-03-08T06:59:00Z'), 'America/New_York')).toMatchObject({ date: '2026-03-08', time: '0159', offsetMinutes: -300 });
    expect(wallClock(at('2026-03-08T07:00:00Z'), 'America/New_York')).toMatchObject({ date: '2026-03-08', time: '0300', offsetMinutes: -240 });
    expect(x12TimeCode(at('2026-03-08T06:59:00Z'), 'America/New_York')).toBe('ES');
    expect(x12TimeCode(at('2026-03-08T07:00:00Z'), 'America/New_York')).toBe('ED');
    // 1 November 2026: 02:00 EDT becomes 01:00 EST at 06:00 UTC; 01:30 happens twice.
    expect(wallClock(at('2026-11-01T05:30:00Z'), 'America/New_York')).toMatchObject({ time: '0130', offsetMinutes: -240 });
    expect(wallClock(at('2026-11-01T06:30:00Z'), 'America/New_York')).toMatchObject({ time: '0130', offsetMinutes: -300 });
    expect(instantOf('2026-11-01', '0130', 'America/New_York').toISOString()).toBe('2026-11-01T05:30:00.000Z');
    expect(x12TimeCodeAt('2026-11-01', '0130', 'America/New_York')).toBe('ED');
    expect(x12TimeCodeAt('2026-11-01', '0300', 'America/New_York')).toBe('ES');
    // The skipped hour reads as the moment after the jump.
    expect(instantOf('2026-03-08', '0230', 'America/New_York').toISOString()).toBe('2026-03-08T07:30:00.000Z');
    // An evening on a change day: the offset of that evening, not of the morning.
    expect(instantOf('2026-03-08', '2000', 'America/Chicago').toISOString()).toBe('2026-03-09T01:00:00.000Z');
  });

  it('follows the EU change (29 March 2026, 01:00 UTC) in Stockholm', () => {
    expect(wallClock(at('2026-03-29T00:59:00Z'), 'Europe/Stockholm')).toMatchObject({ time: '0159', offsetMinutes: 60 });
    expect(wallClock(at('2026-03-29T01:00:00Z'), 'Europe/Stockholm')).toMatchObject({ time: '0300', offsetMinutes: 120 });
    expect(partnerDay('2026-03-28 23:30:00', 'Europe/Stockholm')).toBe('2026-03-29');
    expect(x12TimeCode(at('2026-01-10T12:00:00Z'), 'Europe/Stockholm')).toBe('01');
    expect(x12TimeCode(at('2026-07-10T12:00:00Z'), 'Europe/Stockholm')).toBe('02');
  });

  it('names the X12 623 code of each zone', () => {
    const winter = at('2026-01-15T12:00:00Z');
    const summer = at('2026-07-15T12:00:00Z');
    expect([x12TimeCode(winter, 'UTC'), x12TimeCode(summer, 'UTC')]).toEqual(['UT', 'UT']);
    expect([x12TimeCode(winter, 'America/Chicago'), x12TimeCode(summer, 'America/Chicago')]).toEqual(['CS', 'CD']);
    expect([x12TimeCode(winter, 'America/Denver'), x12TimeCode(summer, 'America/Denver')]).toEqual(['MS', 'MD']);
    // Arizona keeps standard time all year.
    expect([x12TimeCode(winter, 'America/Phoenix'), x12TimeCode(summer, 'America/Phoenix')]).toEqual(['MS', 'MS']);
    expect([x12TimeCode(winter, 'America/Los_Angeles'), x12TimeCode(summer, 'America/Los_Angeles')]).toEqual(['PS', 'PD']);
    expect([x12TimeCode(winter, 'America/Anchorage'), x12TimeCode(summer, 'America/Anchorage')]).toEqual(['AS', 'AD']);
    expect(x12TimeCode(winter, 'Pacific/Honolulu')).toBe('HS');
    expect([x12TimeCode(winter, 'America/Halifax'), x12TimeCode(summer, 'America/St_Johns')]).toEqual(['TS', 'ND']);
    expect([x12TimeCode(winter, 'Europe/London'), x12TimeCode(summer, 'Europe/London')]).toEqual(['GM', '01']);
    // West of UTC without a named family: 13 is -12 ... 24 is -01.
    expect(x12TimeCode(winter, 'America/Sao_Paulo')).toBe('22');
    expect(x12TimeCode(winter, 'Atlantic/Azores')).toBe('24');
    // Half-hour zones have no code.
    expect(x12TimeCode(winter, 'Asia/Kolkata')).toBeUndefined();
  });
});
