import fs from 'node:fs';
import { describePublicSamples } from '../public-samples';
import path from 'node:path';
import type { ValidationError } from '../../src/parsers/validation-report';
import { validateEdifactBytes } from '../../src/parsers/edifact/validate-stream';

/**
 * Every public EDIFACT sample (shared/samples/public/edifact, sources in shared/samples/public/SOURCES.md)
 * through the validator, each with the verdict written after reading the file: the standard only
 * (ctx {}: no partner profiles, no recipient check), against the D96A and D01B definitions we hold.
 * The samples are read where they are, never copied here (their licenses stay with them).
 *
 * How a row is checked (as for X12):
 * - ok: report.ok; an ok row must be clean at every level.
 * - interchangeCodes (UCI 0085): each must be reported; ABSENT means every interchange is accepted with no error.
 * - groupCodes (UCF): each must be reported; ABSENT means no group-level error.
 * - messageCodes (UCM: errors with no segment position) and errors (UCS/UCD, with segment, position,
 *   element, component): each must be reported; others may be too.
 * - fileCodes: errors outside any interchange; ABSENT means none.
 * - interchanges, messages, accepted: counts over the whole file.
 */
const SAMPLES = path.resolve(__dirname, '../../../shared/samples/public/edifact');

interface ExpectedError { segment: string; position?: number; element?: number; component?: number; code: string }

interface Row {
  file: string;
  why: string;
  ok: boolean;
  interchanges?: number;
  messages?: number;
  accepted?: number;
  fileCodes?: string[];
  interchangeCodes?: string[];
  groupCodes?: string[];
  messageCodes?: string[];
  errors?: ExpectedError[];
}

const ROWS: Row[] = [
  // ---- APERAK --------------------------------------------------------------------------------------
  { file: 'APERAK/edinet__Apperak_edi_out_issue235.edi', ok: false, interchanges: 2, messages: 1, accepted: 1, interchangeCodes: ['13', '32', '28'],
    why: 'a stray "UNB+++++4" (S001-S004 missing, 13) opens an interchange that a second UNB cuts off (UNZ missing, 13; nothing in it, 32); the real UNB has no control reference (13), so UNZ "4" does not match (28); the APERAK itself is valid D96A (BGM C002 is conditional)' },
  { file: 'APERAK/pydifact-v3__aperak.edi', ok: false, messages: 1, accepted: 0, messageCodes: ['29'], errors: [{ segment: 'FTX', position: 6, element: 4, component: 1, code: '21' }],
    why: 'D96A APERAK under UNOA: the FTX text has lower-case letters, outside level A (21); UNT says 8 for 6 segments' },
  { file: 'APERAK/pydifact-v3__aperak_rejected.edi', ok: false, messages: 1, accepted: 0, messageCodes: ['29'], errors: [{ segment: 'FTX', position: 6, element: 4, code: '21' }],
    why: 'the same APERAK saying "rejected" (ERC 12): lower case in UNOA (21), UNT says 8 for 6' },
  { file: 'APERAK/pydifact-v4__aperak.edi', ok: false, messages: 1, accepted: 0, interchangeCodes: ['40'], messageCodes: ['29'], errors: [{ segment: 'FTX', position: 6, code: '21' }],
    why: 'syntax 4 UNB with a 6-digit date: syntax 4 writes CCYYMMDD (40); lower case in UNOA; UNT count wrong' },
  { file: 'APERAK/pydifact-v4__aperak_rejected.edi', ok: false, messages: 1, accepted: 0, interchangeCodes: ['40'], messageCodes: ['29'],
    errors: [{ segment: 'FTX', position: 6, element: 4, component: 2, code: '21' }],
    why: 'as above; the unreleased ":" in the FTX text makes a second component (still within C108), both lower case' },

  // ---- DESADV --------------------------------------------------------------------------------------
  { file: 'DESADV/php-edifact__D96ADESADV.edi', ok: false, messages: 1, accepted: 0, messageCodes: ['17'],
    why: 'UNH S009 "DESADV:0:96A": version 0 is not a directory (D), so there is no definition (17: envelope and characters only); counts and references right' },
  { file: 'DESADV/php-edifact__example_utf8.edi', ok: false, messages: 1, accepted: 0, messageCodes: ['17'],
    errors: [{ segment: 'IMD', position: 11, element: 3, component: 4, code: '21' }],
    why: 'the same file with "Ë" written as UTF-8 under UNOC: read as ISO 8859-1 (as declared) it is "Ã" and the C1 control 0x8B, which is no character of UNOC (21)' },

  // ---- GENERIC (UNG groups, synthetic message types) ----------------------------------------------------
  { file: 'GENERIC/smooks-ung-full__unedifact-msg-04.edi', ok: false, messages: 1, accepted: 0, interchangeCodes: ['21', '39', '28'], groupCodes: ['21'], messageCodes: ['17', '29'],
    why: '"Acme" in UNOA (21), an 8-digit date in a syntax 3 UNB (39), UNZ reference 00000000000001 for 6002 (28); UNG filled with lower-case placeholders; MSG2:S:93A is no directory; UNT says 25 for 3' },
  { file: 'GENERIC/smooks-ung-ucd__unedifact-msg-05.edi', ok: false, messages: 1, accepted: 0, interchangeCodes: ['33', '28'], groupCodes: ['21'], messageCodes: ['17'],
    why: 'as msg-04 with a UCD segment between UNB and UNG, outside any message or group (33)' },
  { file: 'GENERIC/smooks-ung-una__unedifact-msg-02.edi', ok: false, messages: 3, accepted: 0, interchangeCodes: ['30', '28'], groupCodes: ['13'], messageCodes: ['17', '26', '29'],
    why: 'UNA "*@.? #": one UNG group (missing S004, 0051, S008: 13) then two messages outside it (30); message reference 0001 three times (26); unknown tags AAAA/BB/BBBB' },
  { file: 'GENERIC/smooks-ung__unedifact-msg-01.edi', ok: false, messages: 3, accepted: 0, interchangeCodes: ['30', '28'], groupCodes: ['13'], messageCodes: ['17', '26', '29'],
    why: 'msg-02 with the default service characters and two segments on one line' },

  // ---- IFCSUM, IFTMBC ----------------------------------------------------------------------------------
  { file: 'IFCSUM/edinet__edifact.D01B.IFCSUM.EDI', ok: false, messages: 1, accepted: 0, messageCodes: ['17', '29'], errors: [{ segment: 'FTX', position: 21, element: 4, code: '21' }],
    why: 'IFCSUM is not one of our D01B messages (17); UNT says 787 for the 27 segments kept; lower case in UNOA' },
  { file: 'IFCSUM/edinet__edifact.D01B.IFCSUM.NewLines.EDI', ok: false, interchanges: 0, fileCodes: ['22'],
    why: 'segments end with line breaks and no terminator at all: without a UNA declaring it, a newline is not a segment terminator (22), and no segment can be read' },
  { file: 'IFTMBC/php-edifact__example_multiline.edi', ok: false, messages: 1, accepted: 0, interchangeCodes: ['12', '40'], messageCodes: ['17', '29'],
    why: 'UNOB:2 with UNB date 999818 (month 98: 12) and time "999" (n4: 40); D00B is not a directory we hold; the FTX broken over two lines reads as one' },

  // ---- INVOIC --------------------------------------------------------------------------------------
  { file: 'INVOIC/edifact-rs__d01b_invoic_malformed.edi', ok: false, interchanges: 0, fileCodes: ['13'],
    why: 'UNA then a message with no UNB: segments outside an interchange' },
  { file: 'INVOIC/edinet__edifact.Issue188.edi', ok: false, messages: 4, accepted: 0, interchangeCodes: ['29'], messageCodes: ['17', '26', '28', '29'],
    errors: [{ segment: 'BGM', position: 2, code: '13' }],
    why: 'BOM, decimal comma UNA, four one-DTM messages: IFTMIN has no definition, the INVOICs lack BGM (13), UNT counts and references are off, reference 44 twice, UNZ says 1 for 4' },
  { file: 'INVOIC/edinet__edifact.Issue203.edi', ok: false, messages: 1, accepted: 0, interchangeCodes: ['2'], messageCodes: ['28', '29'],
    errors: [{ segment: 'BGM', position: 2, code: '13' }, { segment: 'MOA', position: 65, element: 1, component: 2, code: '37' }],
    why: 'indented D01B INVOIC under the IATA syntax IATB (2); no BGM, "MOA+201:TEST" not a number, UNT 13 for 102 and reference 1 for 12' },
  { file: 'INVOIC/edireader__tiny-UNOA.edi', ok: false, messages: 1, accepted: 0, interchangeCodes: ['21'], messageCodes: ['17'],
    why: 'syntax 1 UNB with every element filled with lower-case placeholders (21 in UNOA); D97B not held' },
  { file: 'INVOIC/edireader__tiny-syntaxVariants-UNOA.edi', ok: false, messages: 1, accepted: 0, interchangeCodes: ['21'], messageCodes: ['17'],
    why: 'the same under UNA "^*.? $": read identically' },
  { file: 'INVOIC/pydifact__invoice1.edi', ok: false, messages: 1, accepted: 0, messageCodes: ['17'],
    why: 'clean D97A INVOIC in a clean interchange: only the directory is not one we hold' },
  { file: 'INVOIC/pydifact__invoice_with_colon_at_end.edi', ok: false, messages: 1, accepted: 0, messageCodes: ['17'],
    why: 'the same with a trailing component separator (RFF+VA:...:), which is no error by itself' },
  { file: 'INVOIC/smooks-d93a__input.edi', ok: false, interchanges: 0, fileCodes: ['13'],
    why: 'a message body with no UNB, UNH or UNT' },
  { file: 'INVOIC/smooks__INVOIC_D.03B_Interchange_with_UNA.txt', ok: false, messages: 1, accepted: 0, interchangeCodes: ['40'], messageCodes: ['17', '29'],
    why: 'UNA with "*" in position 5 (syntax 4 repetition), UNOC:4 with a 6-digit date (40); D03B not held; UNT says 36 for 35' },
  { file: 'INVOIC/staedi__invoic_d93a_una.edi', ok: false, messages: 1, accepted: 0, messageCodes: ['17'], errors: [{ segment: 'NAD', position: 6, element: 6, code: '21' }],
    why: 'UNA with decimal comma; UNOA:2 with mixed case and "München" in UTF-8 (21); D93A not held' },
  { file: 'INVOIC/staedi__invoic_d97b.edi', ok: false, messages: 1, accepted: 0, messageCodes: ['17'], errors: [{ segment: 'NAD', position: 6, element: 4, code: '21' }],
    why: '"BÜTTNER" in UTF-8 under UNOA (21); D97B not held' },
  { file: 'INVOIC/staedi__invoic_d97b_bad.edi', ok: false, messages: 1, accepted: 0, messageCodes: ['17'], errors: [{ segment: 'PRI', position: 13, element: 1, code: '21' }],
    why: 'deliberately bad D97B (not held, so its qualifiers are not checked); "$" in PRI is outside UNOA (21)' },
  { file: 'INVOIC/staedi__invoic_d97b_una.edi', ok: false, messages: 1, accepted: 0, messageCodes: ['17'],
    why: 'UNA "=*.? ~" and "?4" (a release before a non-service character, taken literally); D97B not held' },
  { file: 'INVOIC/staedi__wrapped_invoic_d97b.edi', ok: false, messages: 1, accepted: 0, messageCodes: ['17'], errors: [{ segment: 'NAD', position: 6, code: '21' }],
    why: 'invoic_d97b hard-wrapped at 50 columns (line breaks inside tags and values are taken out): same verdict' },
  { file: 'INVOIC/staedi__wrapped_invoic_d97b_una.edi', ok: false, messages: 1, accepted: 0, messageCodes: ['17'],
    why: 'the UNA variant wrapped at 15 columns, UNA run straight into UNB' },

  // ---- ORDERS --------------------------------------------------------------------------------------
  { file: 'ORDERS/edifact-rs__d01b_orders_conforming.edi', ok: false, interchanges: 0, fileCodes: ['13'],
    why: 'a conforming message with no UNB/UNZ: nothing to accept it in' },
  { file: 'ORDERS/edifact-rs__d96a_orders_conforming.edi', ok: false, interchanges: 0, fileCodes: ['13'], why: 'as above, D96A' },
  { file: 'ORDERS/edifact-rs__d96a_orders_malformed.edi', ok: false, interchanges: 0, fileCodes: ['13'], why: 'BGM before UNH, and no UNB' },
  { file: 'ORDERS/edireader__ORDERS-D01B-UNOE.edi', ok: true, messages: 1,
    why: 'generated D01B ORDERS in UNOE: the Cyrillic is ISO 8859-5 (decoded as such) and every value fits D01B, where 6060 is an..35' },
  { file: 'ORDERS/php-edifact__example_order_error.edi', ok: false, messages: 1, accepted: 0,
    errors: [{ segment: 'IMD', position: 359, element: 3, component: 7, code: '16' }, { segment: 'IMD', position: 359, element: 3, component: 6, code: '39' },
      { segment: 'QTY', position: 16, element: 1, component: 3, code: '39' }],
    why: 'unreleased ":" in IMD text gives C273 seven components (16) and "10 und So.. 1" as language code (39); units GBND/PACK in 6411 (an..3)' },
  { file: 'ORDERS/php-edifact__example_order_ok.edi', ok: false, messages: 1, accepted: 0, errors: [{ segment: 'QTY', position: 16, element: 1, component: 3, code: '39' }],
    why: 'the released ":" is fine, but its units "GBND", "PACK", "SCHA" do not fit 6411 (an..3, UN/ECE recommendation 20)' },
  { file: 'ORDERS/pydifact__order.edi', ok: false, messages: 1, accepted: 1, interchangeCodes: ['40', '13'],
    why: 'valid D96A EAN008 ORDERS (decimal comma UNA); the syntax 4 UNB has a 6-digit date (40) and the file ends without UNZ (13)' },
  { file: 'ORDERS/pydifact__order2.edi', ok: false, messages: 1, accepted: 1, interchangeCodes: ['13'],
    why: 'valid D96A ORDERS under UNOC; no UNZ' },
  { file: 'ORDERS/pydifact__wikipedia_de.edi', ok: false, messages: 1, accepted: 1, interchangeCodes: ['28'],
    why: 'valid D96A ORDERS; UNZ repeats the application reference 1234567 instead of the control reference 1 (28)' },
  { file: 'ORDERS/smooks__BAD_ORDERS_D.03B_Interchange.txt', ok: false, messages: 1, accepted: 0, messageCodes: ['17', '29'], errors: [{ segment: 'COM', position: 42, code: '21' }],
    why: 'D03B not held, so the 35 DTM beyond their maximum cannot be counted against a definition; UNT 22 for 57 gives it away; "s11" is lower case in UNOA' },
  { file: 'ORDERS/smooks__ORDERS_D.03B_Interchange.txt', ok: false, messages: 1, accepted: 0, messageCodes: ['17'], errors: [{ segment: 'COM', position: 7, element: 1, code: '21' }],
    why: 'syntax 4 without UNA ("*" repeats COM C076 three times); D03B not held; lower case in UNOA' },
  { file: 'ORDERS/staedi__orders-with-group.edi', ok: false, messages: 1, accepted: 0, interchangeCodes: ['12'], groupCodes: ['39', '16'], messageCodes: ['17', '29'],
    errors: [{ segment: 'UNH', position: 1, element: 2, component: 5, code: '39' }],
    why: 'UNB processing priority "I" (only A: 12); UNG S008 with a 4th component (16) and "EAN008A" (0057 an..6: 39); D96B not held; UNT 21 for 18' },

  // ---- ORDRSP --------------------------------------------------------------------------------------
  { file: 'ORDRSP/edinet__edifact.ORDRSP-formatted.edi', ok: false, messages: 1, accepted: 0, interchangeCodes: ['28'], messageCodes: ['17', '28', '29'],
    why: 'German energy ORDRSP D10A (not held); UNT and UNZ references shortened (28), UNT 17 for 30' },
  { file: 'ORDRSP/edinet__edifact.ORDRSP.edi', ok: false, messages: 1, accepted: 0, interchangeCodes: ['28'], messageCodes: ['17', '28', '29'],
    why: 'the same on one line' },
  { file: 'ORDRSP/edireader__ORDERS-D01B-UNOC.edi', ok: true, messages: 1,
    why: 'generated D01B ORDRSP in UNOC with Latin-1 accents: every value fits D01B' },

  // ---- PAORES, QUOTES, RECADV ----------------------------------------------------------------------
  { file: 'PAORES/php-edifact__exampleMulti.edi', ok: false, messages: 2, accepted: 0, interchangeCodes: ['2'], messageCodes: ['17'],
    why: 'IATA syntax IATB (2), PAORES:93:1:IA is no UN directory (17)' },
  { file: 'PAORES/php-edifact__example_release_character.edi', ok: false, messages: 1, accepted: 0, interchangeCodes: ['2'], messageCodes: ['17', '29'],
    why: 'release character in every position (??, ?\', ???\', ?+, ?:) read as data; UNT 14 for 23' },
  { file: 'PAORES/php-edifact__example_wrapped.edi', ok: false, messages: 1, accepted: 0, interchangeCodes: ['2'], messageCodes: ['17'], why: 'the whole interchange on one line' },
  { file: 'PAORES/pydifact__wikipedia_en.edi', ok: false, messages: 1, accepted: 0, interchangeCodes: ['2'], messageCodes: ['17'], why: 'the English Wikipedia example' },
  { file: 'QUOTES/edinet__edifact.01.multi-message.edi', ok: false, messages: 2, accepted: 0, interchangeCodes: ['28'], messageCodes: ['17', '26', '29'],
    why: 'Nordic QUOTES indented with tabs; reference 1 twice (26), UNT 158 for 31, UNZ reference differs (28)' },
  { file: 'RECADV/smooks__recadv.txt', ok: false, messages: 1, accepted: 0, messageCodes: ['17'], errors: [{ segment: 'NAD', position: 9, element: 4, code: '21' }],
    why: 'D01B RECADV (not one of our messages); lower case and UTF-8 Chinese in UNOA (21)' },
];

function sampleFiles(): string[] {
  const out: string[] = [];
  for (const dir of fs.readdirSync(SAMPLES).sort()) {
    const full = path.join(SAMPLES, dir);
    if (!fs.statSync(full).isDirectory()) continue;
    for (const f of fs.readdirSync(full).sort()) out.push(`${dir}/${f}`);
  }
  return out;
}

const codes = (errors: readonly ValidationError[]) => errors.map((e) => e.code);

function check(row: Row): void {
  const { report } = validateEdifactBytes(fs.readFileSync(path.join(SAMPLES, row.file)), {});
  const ics = report.interchanges;
  const groups = ics.flatMap((i) => i.groups);
  const sets = groups.flatMap((g) => g.sets);
  const icCodes = ics.flatMap((i) => codes(i.errors));
  const groupCodes = groups.flatMap((g) => codes(g.errors));
  const messageCodes = sets.flatMap((s) => codes(s.errors.filter((e) => e.position === undefined)));
  const segmentErrors = sets.flatMap((s) => s.errors.filter((e) => e.position !== undefined));

  expect(codes(report.errors)).toEqual(row.fileCodes ? expect.arrayContaining(row.fileCodes) : []);
  if (row.interchanges !== undefined) expect(ics).toHaveLength(row.interchanges);
  else expect(ics.length).toBeGreaterThan(0);
  if (row.interchangeCodes) {
    expect(icCodes).toEqual(expect.arrayContaining(row.interchangeCodes));
    expect(ics.some((i) => i.status === 'rejected')).toBe(true);
  } else {
    expect(icCodes).toEqual([]);
    for (const i of ics) expect(i.status).toBe('accepted');
  }
  expect(groupCodes).toEqual(row.groupCodes ? expect.arrayContaining(row.groupCodes) : []);
  if (row.messageCodes) expect(messageCodes).toEqual(expect.arrayContaining(row.messageCodes));
  for (const e of row.errors ?? []) expect(segmentErrors).toContainEqual(expect.objectContaining(e));
  if (row.messages !== undefined) expect(groups.reduce((n, g) => n + g.setCount, 0)).toBe(row.messages);
  if (row.accepted !== undefined) expect(groups.reduce((n, g) => n + g.acceptedCount, 0)).toBe(row.accepted);
  if (row.ok) {
    for (const g of groups) expect(g.status).toBe('accepted');
    expect(sets.filter((s) => s.status !== 'accepted' || s.errors.length).map((s) => `${s.type} ${s.controlNumber}`)).toEqual([]);
  }
  expect(report.ok).toBe(row.ok);
}

describePublicSamples('public EDIFACT samples through the validator', () => {
  it('has exactly one row for every sample file', () => {
    const files = sampleFiles();
    expect(files.length).toBe(50);
    expect(ROWS.map((r) => r.file).sort()).toEqual(files);
    expect(new Set(ROWS.map((r) => r.file)).size).toBe(ROWS.length);
  });

  it.each(ROWS)('$file', (row) => check(row));
});
