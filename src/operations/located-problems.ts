import type { GatewayConfig } from '../config/gateway.config';
import type { PartnerRegistry } from '../partners/partner-registry';
import { validateX12Bytes } from '../parsers/x12/validate-stream';
import { x12Context } from '../pipeline/x12-inspect';
import type { MessageEvent, MessageRow } from '../store/messages.repo';
import type { Located } from './raw-edi';

const REVALIDATE_BYTES = 2 * 1024 * 1024;

/**
 * Where the latest run of a message went wrong, with positions: the problems the pipeline
 * recorded (translation: set, segment, value) and, for X12, the validator's errors found again
 * in the stored bytes (segment, element). Only for a message that is an exception or resolved.
 */
export function locatedProblems(message: MessageRow, events: MessageEvent[], content: Buffer | undefined,
  config: GatewayConfig, partners: PartnerRegistry): Located[] {
  if (!['exception', 'resolved'].includes(message.status)) return [];
  const lastReplay = events.map((e) => e.stage).lastIndexOf('replay');
  const out: Located[] = [];
  for (const e of events.slice(lastReplay + 1)) {
    const data = (typeof e.data === 'string' ? JSON.parse(e.data) : e.data) as { problems?: any[] } | null;
    for (const p of data?.problems ?? []) {
      const issue = p.issue ?? {};
      out.push({ code: issue.code ?? p.code, message: issue.message ?? p.message, setControl: p.setControl, segment: issue.segment,
        position: issue.position, element: issue.element, value: issue.value });
    }
  }
  // Validating again costs a parse: for a message of a size a person reads, and only when all its bytes are here.
  if (content && message.sizeBytes <= REVALIDATE_BYTES && content.length >= message.sizeBytes && /^\s*ISA/.test(content.subarray(0, 16).toString('latin1'))) {
    try {
      const result = validateX12Bytes(content, x12Context(config, partners));
      for (const ic of result.report.interchanges) {
        for (const e of ic.errors) out.push({ code: e.code, message: `interchange ${ic.controlNumber}: ${e.message}` });
        for (const g of ic.groups) {
          for (const e of g.errors) out.push({ code: e.code, message: `group ${g.controlNumber}: ${e.message}` });
          for (const s of g.sets) {
            for (const e of s.errors) out.push({ code: e.code, message: e.message, setControl: s.controlNumber, segment: e.segment, position: e.position, element: e.element });
          }
        }
      }
    } catch { /* unreadable bytes: the trail says why */ }
  }
  return out;
}
