import { html, raw } from '../../src/dashboard/html';
import { bulkReplayFlash, detailPage, exceptionsPage, overviewPage, progressText, startOfWeek } from '../../src/dashboard/pages';
import type { Alert } from '../../src/alerts/alert';
import type { MessageProgress } from '../../src/store/progress.repo';
import { splitEdi, type Located } from '../../src/operations/raw-edi';
import type { MessageRow } from '../../src/store/messages.repo';

const X12 = 'ISA*00*          *00*          *ZZ*ACMERETAIL     *ZZ*ODOODIST       *261120*0930*U*00401*000001001*0*P*>~\n'
  + 'GS*PO*ACMERETAIL*ODOODIST*20261120*0930*1001*X*004010~\nST*850*0001~\nBEG*00*SA*PO1**20261120~\n'
  + 'PO1*1*24*EA*12.5*PE*UP*012345678905*VN*ODW-1001~\nST*850*0002~\nBEG*00*SA*PO2**20261120~\nPO1*1*2*EA*1*PE*UP*999~\nSE*4*0002~\nGE*2*1001~\nIEA*1*000001001~\n';

describe('dashboard: raw EDI lines', () => {
  it('splits X12 on the ISA terminator and marks a problem at its set, segment and element (by element or by value)', () => {
    const byValue: Located = { code: 'UNKNOWN_ITEM', message: 'item 999 unknown', setControl: '0002', segment: 'PO1', position: 3, value: '999' };
    const byElement: Located = { code: '7', message: 'bad code', setControl: '0001', segment: 'BEG', position: 2, element: 2 };
    const nowhere: Located = { code: 'X', message: 'group count wrong' };
    const split = splitEdi(Buffer.from(X12, 'latin1'), [byValue, byElement, nowhere]);
    expect(split.standard).toBe('X12');
    expect(split.lines.map((l) => l.tag)).toEqual(['ISA', 'GS', 'ST', 'BEG', 'PO1', 'ST', 'BEG', 'PO1', 'SE', 'GE', 'IEA']);
    const po1b = split.lines[7];
    expect(po1b.elements[7]).toEqual({ text: '999', problems: [byValue] });
    // The same position in the other set is not marked: the set's control number tells them apart.
    expect(split.lines[4].elements.every((e) => !e.problems.length)).toBe(true);
    expect(split.lines[3].elements[2].problems).toEqual([byElement]);
    expect(split.unplaced).toEqual([nowhere]);
  });

  it('splits EDIFACT with UNA, honouring the release character; a value not found marks the whole segment', () => {
    const edi = "UNA:+.? 'UNB+UNOC:3+SENDER+US+261120:0930+42'UNH+1+ORDERS:D:96A:UN'FTX+AAI+++a?'b'LIN+1++X1:SRV'UNT+4+1'UNZ+1+42'";
    const p: Located = { code: 'UNKNOWN_ITEM', message: 'no', setControl: '1', segment: 'LIN', position: 3, value: 'nope' };
    const split = splitEdi(Buffer.from(edi), [p]);
    expect(split.standard).toBe('EDIFACT');
    expect(split.lines.map((l) => l.tag)).toEqual(['UNA', 'UNB', 'UNH', 'FTX', 'LIN', 'UNT', 'UNZ']);
    expect(split.lines[3].elements[4].text).toBe("a?'b");
    expect(split.lines[4].problems).toEqual([p]);
  });

  it('shows anything else line by line, problems unplaced', () => {
    const split = splitEdi(Buffer.from('{"a":1}\n{"b":2}'), [{ code: 'X', message: 'm' }]);
    expect(split).toMatchObject({ standard: 'text', lines: [{ elements: [{ text: '{"a":1}' }] }, { elements: [{ text: '{"b":2}' }] }], unplaced: [{ code: 'X' }] });
  });
});

describe('dashboard: pages', () => {
  it('escapes every value, nested templates and raw() aside', () => {
    const evil = '<script>alert("x")</script>&\'';
    expect(html`<p title="${evil}">${evil}${html`<b>${evil}</b>`}${raw('<i>ok</i>')}${null}${[1, 2]}</p>`.value)
      .toBe('<p title="&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&amp;&#39;">&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&amp;&#39;'
        + '<b>&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&amp;&#39;</b><i>ok</i>12</p>');
  });

  const message: MessageRow = { id: 7, direction: 'in', transport: 'folder', transportRef: null, partnerId: 'acme-retail', filename: '<x>.edi', sha256: 'ab',
    sizeBytes: 10, duplicateOf: null, createdAt: new Date('2026-12-01T10:00:00Z'), status: 'exception', stage: 'process', errorCode: 'TRANSLATION_FAILED',
    errorMessage: 'item <b> unknown', attempts: 1, updatedAt: new Date('2026-12-01T10:00:01Z') };
  const page = (role: 'viewer' | 'operator') => ({ title: 't', current: '/dashboard/messages', user: { role, name: 'n' }, now: new Date('2026-12-02T00:00:00Z') });

  it('offers replay and resolve to an operator and hides them from a viewer', () => {
    const data = { message, events: [], edi: splitEdi(Buffer.from(X12, 'latin1'), [{ code: 'UNKNOWN_ITEM', message: 'item 999 <unknown>', setControl: '0002', segment: 'PO1', position: 3, value: '999' }]), documents: [], acks: [] };
    const operator = detailPage(page('operator'), { ...data, canOperate: true });
    expect(operator).toContain('>Replay message #7</button>');
    expect(operator).toContain('action="/dashboard/messages/7/resolve"');
    expect(operator).toMatch(/<mark title="PO107: UNKNOWN_ITEM: item 999 &lt;unknown&gt;" aria-label="PO107 999, error: UNKNOWN_ITEM: item 999 &lt;unknown&gt;">999<\/mark>/);
    expect(operator).toContain('&lt;x&gt;.edi');
    const viewer = detailPage(page('viewer'), { ...data, canOperate: false });
    expect(viewer).not.toContain('Replay message');
    expect(viewer).not.toContain('/resolve');
    expect(viewer).toContain('replay and resolve need an operator');
  });

  it('lists the recent alerts on the overview: its message linked, what the channels did, why one failed', () => {
    const alert = (over: Partial<Alert>): Alert => ({ id: 1, key: 'k', kind: 'exception', severity: 'critical', partnerId: 'acme-retail', messageId: 7,
      title: 'Exception: message 7 from acme-retail (X12_SEGMENT)', detail: 'N104 <missing>', raisedAt: new Date(), delivery: 'sent',
      webhookSentAt: new Date(), emailSentAt: null, attempts: 1, lastError: null, ...over });
    const out = overviewPage(page('viewer'), { volumes: [], reasons: [], overdue: [], hours: [], alerts: [
      alert({}), alert({ id: 2, kind: 'partner_silent', severity: 'warning', messageId: null, title: 'acme-retail has sent nothing for 30 hours', delivery: 'pending', lastError: 'webhook hooks.example.com: HTTP 500' }),
    ] });
    expect(out).toContain('<a href="/dashboard/messages/7">Exception: message 7 from acme-retail (X12_SEGMENT)</a>');
    expect(out).toContain('N104 &lt;missing&gt;');
    expect(out).toMatch(/partner silent<\/td>\s*<td>acme-retail has sent nothing for 30 hours/);
    expect(out).toContain('to be sent<br><span class="muted">webhook hooks.example.com: HTTP 500</span>');
    expect(overviewPage(page('viewer'), { volumes: [], reasons: [], overdue: [], hours: [] })).toContain('No alert raised.');
  });

  it('a week starts on Monday, UTC', () => {
    expect(startOfWeek(new Date('2026-12-06T07:00:00Z')).toISOString()).toBe('2026-11-30T00:00:00.000Z'); // a Sunday
    expect(startOfWeek(new Date('2026-11-30T00:00:00Z')).toISOString()).toBe('2026-11-30T00:00:00.000Z');
  });

  const exception = (messageId: number) => ({ messageId, partnerId: 'acme-retail', direction: 'in' as const, filename: null, stage: 'identify',
    errorCode: 'FORMAT_UNKNOWN', errorMessage: 'not EDI', failedAt: new Date('2026-12-01T10:00:00Z') });

  it('gives an operator a labelled checkbox per exception and the bulk buttons, keeping the filter; a viewer neither', () => {
    const view = { rows: [exception(9), exception(8)], filters: { partner: 'acme-retail', code: 'FORMAT_UNKNOWN' }, partners: ['acme-retail'], codes: ['FORMAT_UNKNOWN'] };
    const operator = exceptionsPage(page('operator'), { ...view, canOperate: true });
    expect(operator).toContain('<form id="bulk" class="actions" method="post" action="/dashboard/exceptions/replay?partner=acme-retail&amp;code=FORMAT_UNKNOWN">');
    expect(operator).toContain('<input type="hidden" name="shown" value="9,8">');
    expect(operator).toContain('<input type="checkbox" name="id" value="8" form="bulk" aria-label="Select message 8">');
    expect(operator).toContain('>Replay selected</button>');
    expect(operator).toContain('>Replay all 2 shown</button>');
    const viewer = exceptionsPage(page('viewer'), { ...view, canOperate: false });
    expect(viewer).not.toContain('type="checkbox"');
    expect(viewer).not.toContain('Replay all');
  });

  it('says what a bulk replay did in one line, an error when nothing was queued', () => {
    expect(bulkReplayFlash({ replayed: [{ messageId: 9, replay: 1 }, { messageId: 8, replay: 2 }], more: false,
      refused: [{ messageId: 7, code: 'MESSAGE_NOT_EXCEPTION', error: 'message 7 is done, not an open exception' }] }))
      .toBe('2 message(s) queued for replay (#9, #8); 1 refused: #7 message 7 is done, not an open exception.');
    expect(bulkReplayFlash({ replayed: [], refused: [{ messageId: 7, code: 'X', error: 'no' }], more: false })).toBe('!0 message(s) queued for replay; 1 refused: #7 no.');
  });

  it('shows a big file\'s progress in words and as a named progress bar', () => {
    const progress: MessageProgress = { messageId: 7, partnerId: 'acme-retail', status: 'processing', stage: 'translate', done: 12000, total: 87968,
      detail: '12000 of 87968 sets translated', since: new Date('2026-12-01T23:55:00Z'), at: new Date('2026-12-01T23:59:00Z') };
    expect(progressText(progress, new Date('2026-12-02T00:00:00Z'))).toBe('12000 of 87968 sets translated, 14%, since 2026-12-01 23:55 UTC (5 min ago)');
    expect(progressText({ ...progress, done: 87967, detail: null }, new Date('2026-12-02T00:00:00Z'))).toMatch(/^87967 of 87968, 99%/);
    const html = detailPage(page('viewer'), { message: { ...message, status: 'processing' }, events: [], edi: undefined, documents: [], acks: [], canOperate: false, progress });
    expect(html).toContain('<progress value="12000" max="87968" aria-label="Message 7, translate: 12000 of 87968 sets translated"></progress> 12000 of 87968 sets translated, 14%');
  });
});
