import type { Knex } from 'knex';
import type { GatewayConfig } from '../config/gateway.config';
import type { PartnerRegistry } from '../partners/partner-registry';
import { countDocuments, listDocuments, type StoredDocument } from '../store/documents.repo';
import { getContent, getEvents, getMessage, type MessageEvent, type MessageRow } from '../store/messages.repo';
import { groupAcksOf, type GroupAckState } from '../store/outbound-acks.repo';
import { messagesInProgress, type MessageProgress } from '../store/progress.repo';
import { locatedProblems } from './located-problems';
import { splitEdi, type Located, type SplitEdi } from './raw-edi';

/** How much of a message a view reads: all of most EDI files, the start of a big one. */
export const VIEW_BYTES = 2 * 1024 * 1024;
export const VIEW_DOCUMENTS = 500;

/** One message in full, as the dashboard's message page and GET /api/messages/{id} show it. */
export interface MessageDetail {
  message: MessageRow;
  events: MessageEvent[];
  /** The stored bytes, the first VIEW_BYTES of a bigger file; undefined when none are stored. */
  content: Buffer | undefined;
  /** Where the latest run went wrong, with positions (src/operations/located-problems.ts). */
  problems: Located[];
  /** The bytes one segment a line with the problems placed; truncated for a big file. */
  edi: SplitEdi | undefined;
  /** The first VIEW_DOCUMENTS canonical documents, with the Odoo record each became; documentsTotal counts them all. */
  documents: StoredDocument[];
  documentsTotal: number;
  /** For a message we sent: each group's acknowledgment, received or owed. */
  acknowledgments: GroupAckState[];
  /** How far the current run has gone through a big file, while it runs. */
  progress: MessageProgress | undefined;
}

export interface DetailDeps { knex: Knex; config: GatewayConfig; partners: PartnerRegistry }

/** Reads one message in full; undefined when there is no such message. */
export async function readMessageDetail(deps: DetailDeps, id: number): Promise<MessageDetail | undefined> {
  const { knex } = deps;
  const message = await getMessage(knex, id);
  if (!message) return undefined;
  const [events, content, documents, documentsTotal, acknowledgments, progress] = await Promise.all([
    getEvents(knex, id), getContent(knex, id, VIEW_BYTES), listDocuments(knex, id, VIEW_DOCUMENTS), countDocuments(knex, id),
    groupAcksOf(knex, id), messagesInProgress(knex, { messageId: id })]);
  const problems = locatedProblems(message, events, content, deps.config, deps.partners);
  const split = content ? splitEdi(content, problems) : undefined;
  const edi = split && { ...split, truncated: split.truncated || content!.length < message.sizeBytes };
  return { message, events, content, problems, edi, documents, documentsTotal, acknowledgments, progress: progress[0] };
}
