import { isDeepStrictEqual } from 'node:util';
import { CanonicalDocumentSchema } from '../../src/canonical';
import { SYNTAX_ERRORS } from '../../src/parsers/edifact/syntax-errors';
import { ValidationReportSchema, type ValidationError, type ValidationReport } from '../../src/parsers/validation-report';
import { ELEMENT_ERRORS } from '../../src/parsers/x12/element-checks';
import { GROUP_ERRORS, TA1_CODES } from '../../src/parsers/x12/envelope';
import { SEGMENT_ERRORS, SET_ERRORS } from '../../src/parsers/x12/set-validator';
import type { TranslatedSet } from '../../src/translators/translate-x12';

/**
 * What "accepted or rejected with a structured error" means, target by target, as checks that
 * throw a PropertyFailure naming what is wrong. The validators never throw by design: they return
 * a report, and every rejection in it must carry a code from the standard's own table, at the
 * level it belongs to, with a segment position where a segment is at fault.
 */
export class PropertyFailure extends Error {
  override name = 'PropertyFailure';
}

export function fail(message: string): never {
  throw new PropertyFailure(message);
}

export function expectTrue(cond: unknown, message: string): asserts cond {
  if (!cond) fail(message);
}

const values = (o: Record<string, string>) => new Set(Object.values(o));
const X12_CODES = {
  envelope: values(TA1_CODES), group: values(GROUP_ERRORS), set: values(SET_ERRORS), segment: values(SEGMENT_ERRORS), element: values(ELEMENT_ERRORS),
};
const EDIFACT_CODES = values(SYNTAX_ERRORS);

function checkError(e: ValidationError, allowed: Set<string>, where: string): void {
  expectTrue(allowed.has(e.code), `${where}: code ${JSON.stringify(e.code)} is not one of ${[...allowed].join(',')} (${e.message})`);
  expectTrue(typeof e.message === 'string' && e.message.length > 0, `${where}: error ${e.code} has no message`);
}

/** The report's shape (the zod schema of `validate --json`) and its verdict agree with its errors. */
function checkShapeAndVerdict(r: ValidationReport): void {
  const parsed = ValidationReportSchema.safeParse(r);
  if (!parsed.success) fail(`report does not fit ValidationReportSchema: ${parsed.error.issues.slice(0, 3).map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  let anyError = r.errors.length > 0;
  let allAccepted = true;
  for (const ic of r.interchanges) {
    expectTrue((ic.status === 'rejected') === (ic.errors.length > 0), `interchange ${ic.controlNumber}: status ${ic.status} with ${ic.errors.length} error(s)`);
    anyError ||= ic.errors.length > 0;
    allAccepted &&= ic.status === 'accepted' && !ic.duplicate;
    for (const g of ic.groups) {
      if (g.errors.length) expectTrue(g.status === 'rejected', `group ${g.controlNumber}: errors but status ${g.status}`);
      anyError ||= g.errors.length > 0;
      expectTrue(g.acceptedCount <= g.setCount, `group ${g.controlNumber}: ${g.acceptedCount} accepted of ${g.setCount}`);
      allAccepted &&= g.status === 'accepted';
      for (const s of g.sets) {
        expectTrue((s.status === 'rejected') === (s.errors.length > 0), `set ${s.type} ${s.controlNumber}: status ${s.status} with ${s.errors.length} error(s)`);
        allAccepted &&= s.status !== 'rejected';
        anyError ||= s.errors.length > 0;
      }
    }
  }
  expectTrue(r.ok === (!r.errors.length && allAccepted), `report.ok ${r.ok} but ${anyError ? 'errors are reported' : 'nothing is in error'}`);
  if (!r.ok) expectTrue(anyError, 'report rejects the input without naming one error');
}

/** An X12 report: TA1 codes outside groups, AK9 codes on groups, AK5/AK3/AK4 codes on sets by what they point at. */
export function checkX12Report(r: ValidationReport): void {
  checkShapeAndVerdict(r);
  for (const e of r.errors) checkError(e, X12_CODES.envelope, 'file');
  for (const ic of r.interchanges) {
    for (const e of ic.errors) checkError(e, X12_CODES.envelope, `ISA ${ic.controlNumber}`);
    for (const g of ic.groups) {
      for (const e of g.errors) checkError(e, X12_CODES.group, `GS ${g.controlNumber}`);
      for (const s of g.sets) {
        for (const e of s.errors) {
          const where = `${s.type} ${s.controlNumber}`;
          if (e.position === undefined) checkError(e, X12_CODES.set, where);
          else {
            expectTrue(e.position >= 1 && typeof e.segment === 'string', `${where}: error ${e.code} at position ${e.position} without a segment`);
            checkError(e, e.element === undefined ? X12_CODES.segment : X12_CODES.element, `${where} ${e.segment}@${e.position}`);
            if (e.element !== undefined) expectTrue(e.element >= 1, `${where}: element ${e.element}`);
          }
        }
      }
    }
  }
}

/** An EDIFACT report: every code is a CONTRL syntax error code (0085); segment errors have a position. */
export function checkEdifactReport(r: ValidationReport): void {
  checkShapeAndVerdict(r);
  const all: [ValidationError, string][] = [
    ...r.errors.map((e) => [e, 'file'] as [ValidationError, string]),
    ...r.interchanges.flatMap((ic) => [
      ...ic.errors.map((e) => [e, `UNB ${ic.controlNumber}`] as [ValidationError, string]),
      ...ic.groups.flatMap((g) => [
        ...g.errors.map((e) => [e, `group ${g.controlNumber}`] as [ValidationError, string]),
        ...g.sets.flatMap((s) => s.errors.map((e) => [e, `${s.type} ${s.controlNumber}`] as [ValidationError, string])),
      ]),
    ]),
  ];
  for (const [e, where] of all) {
    checkError(e, EDIFACT_CODES, where);
    if (e.element !== undefined || e.component !== undefined) expectTrue(e.segment !== undefined, `${where}: element error ${e.code} without a segment`);
    if (e.position !== undefined) expectTrue(e.position >= 1, `${where}: position ${e.position}`);
  }
}

const ISSUE_CODES = new Set(['UNKNOWN_ITEM', 'UNKNOWN_LOCATION', 'MISSING_VALUE', 'BAD_VALUE', 'UNSUPPORTED']);

/** Each translated set: a canonical document that fits its schema, or the issues that stop it (never neither). */
export function checkTranslated(sets: readonly TranslatedSet[]): number {
  let documents = 0;
  for (const t of sets) {
    const where = `${t.type} ${t.source.setControl}`;
    for (const i of t.issues) {
      expectTrue(ISSUE_CODES.has(i.code), `${where}: issue code ${JSON.stringify(i.code)}`);
      expectTrue(typeof i.message === 'string' && i.message.length > 0, `${where}: issue ${i.code} without a message`);
    }
    if (t.document) {
      const parsed = CanonicalDocumentSchema.safeParse(t.document);
      if (!parsed.success) fail(`${where}: document does not fit CanonicalDocumentSchema: ${parsed.error.issues[0]?.message}`);
      documents++;
    } else expectTrue(t.issues.length > 0, `${where}: neither a document nor an issue`);
  }
  return documents;
}

/** Two results that must be equal (stream and bytes, fast and full check); the first difference is named. */
export function expectSame(a: unknown, b: unknown, what: string): void {
  if (isDeepStrictEqual(a, b)) return;
  const sa = JSON.stringify(a);
  const sb = JSON.stringify(b);
  let i = 0;
  while (i < sa.length && sa[i] === sb[i]) i++;
  fail(`${what} differ at ${i}: ${JSON.stringify(sa.slice(Math.max(0, i - 80), i + 80))} vs ${JSON.stringify(sb.slice(Math.max(0, i - 80), i + 80))}`);
}

/**
 * An acknowledgment we wrote, read back by our own validator: its envelope and every set's control
 * structure must be valid. Only element errors in the segments that echo what was received (AK2
 * repeats ST01/ST02 as they came, UCM the UNH reference) are tolerated: an ack must name the
 * partner's set the way the partner wrote it, even when that was not valid.
 */
export function checkOwnAck(r: ValidationReport, echoes: ReadonlySet<string>, text: string): void {
  const where = `our acknowledgment ${JSON.stringify(text.slice(0, 300))}`;
  const first = (errs: ValidationError[]) => JSON.stringify(errs.slice(0, 2));
  expectTrue(!r.errors.length, `${where} has file errors ${first(r.errors)}`);
  expectTrue(r.interchanges.length > 0, `${where} holds no interchange`);
  for (const ic of r.interchanges) {
    expectTrue(!ic.errors.length, `${where} has interchange errors ${first(ic.errors)}`);
    for (const g of ic.groups) {
      expectTrue(!g.errors.length, `${where} has group errors ${first(g.errors)}`);
      for (const set of g.sets) {
        const bad = set.errors.filter((e) => !(e.segment && echoes.has(e.segment) && e.element !== undefined));
        // A segment error that only says "this segment has element errors" goes with them.
        const real = bad.filter((e) => !(e.position !== undefined && e.element === undefined && e.code === '8' && e.segment && echoes.has(e.segment)));
        expectTrue(!real.length, `${where}: ${set.type} ${set.controlNumber} has errors ${first(real)}`);
      }
    }
  }
}

/** A thrown value that is not ours: its class and message, for the failure. */
export function describeThrown(err: unknown): string {
  if (err instanceof Error) return `${err.constructor.name}: ${err.message}\n${err.stack?.split('\n').slice(1, 6).join('\n')}`;
  return `non-Error thrown: ${String(err)}`;
}
