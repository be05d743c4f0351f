import type { FastifyInstance } from 'fastify';
import type { Knex } from 'knex';
import type { CanonicalDocument } from '../canonical';
import type { Runtime } from '../daemon/runtime';
import type { Logger } from '../log/logger';
import type { PartnerProfile } from '../partners/profile.schema';
import type { InboundStage } from '../pipeline/inbound-stages';

/**
 * A marketplace or procurement network (cXML buyers, Shopify stores, Amazon sellers): a channel
 * configured like a partner (a profile with its `kind`), whose orders enter through the same
 * store, canonical Order, Odoo writers, exceptions and replay as an 850, and to which Odoo's events
 * go back as stored outbound messages delivered by the channel's own API. Each lives in one folder
 * under src/marketplaces/ and is registered in MARKETPLACES (index.ts), one line.
 */
export interface Marketplace {
  /** The profile `kind` this channel serves. */
  kind: string;
  /**
   * Its HTTP routes on the gateway's server. They are open to the bearer-token check (the channel
   * authenticates its own callers, as AS2 does by signature): list them in bearer-auth's OPEN.
   */
  registerRoutes?(app: FastifyInstance, rt: Runtime): Promise<void>;
  /**
   * Inbound stages that turn this channel's stored messages into canonical documents, run after
   * identify and route and before the odoo stage; each leaves other channels' messages alone.
   */
  inboundStages?(deps: { knex: Knex }): InboundStage[];
  /**
   * The daemon's scheduled work for one profile of this kind (an order pull, an inventory push):
   * each task a cluster schedule `channel:<partner id>:<task name>`, run once per tick in the whole
   * cluster; re-added when its `settings` change, removed with the profile.
   */
  tasks?(profile: PartnerProfile, rt: Runtime): ChannelTask[];
  /**
   * One full inventory push for one profile, as a bulk job runs it (`channel-inventory`): Odoo's
   * quantities to the channel. Its summary, in words, for the job's log line.
   */
  inventoryPush?(profile: PartnerProfile, rt: Runtime, signal?: AbortSignal): Promise<string>;
  /** What goes back to the channel when Odoo moves (order confirmed, picking done, invoice posted). */
  outbound?: ChannelOutbound;
}

/**
 * One scheduled piece of a channel's work for one partner: a period and the work of one tick. The
 * daemon makes it a cluster schedule (src/marketplaces/channel-schedules.ts), so that however many
 * gateway processes run, the channel's API is called once a tick, not once per process.
 */
export interface ChannelTask {
  /** Unique within the partner, e.g. "orders" or "inventory": the schedule is `channel:<partner>:<name>`. */
  name: string;
  /** What it was made with: a change (a profile edit) replaces the schedule. Compared as JSON. */
  settings: unknown;
  /** Ticks every this many seconds, aligned to the epoch (the same ticks in every process). */
  everySeconds: number;
  /**
   * The work of one tick; what it returns (a summary) is kept in schedule_runs. A thrown error is
   * noted as the run's failure and the next tick tries again. The signal is aborted when the
   * gateway stops or the schedule is replaced: waits (rate limits, backoff) should end then.
   */
  run(tick: Date, signal: AbortSignal): Promise<string>;
}

/** The cluster schedule of a partner's channel task, e.g. `channel:shop-demo:orders` (`schedules --name`). */
export function channelScheduleName(partnerId: string, task: string): string {
  return `channel:${partnerId}:${task}`;
}

/** A stored outbound message of a channel, as the outbound sender hands it to deliver(). */
export interface ChannelMessage {
  messageId: number;
  filename: string;
  content: Buffer;
}

export interface ChannelOutbound {
  /** The canonical documents this channel takes back. */
  types: readonly CanonicalDocument['type'][];
  /**
   * One canonical document -> the bytes stored as the outbound message (the request body the
   * channel's API gets, or what deliver() reads to build it), pure. Throw a GatewayError
   * DOCUMENT_UNRENDERABLE for what cannot be sent (no tracking number where one is required ...).
   */
  render(doc: CanonicalDocument, profile: PartnerProfile, o: { now: Date }): ChannelRendered;
  /**
   * Delivers one stored message. Resolves with what the trail records (the remote id); throws a
   * GatewayError: retryable ones (network, 429, 5xx) are retried by the queue with backoff, others
   * park the message as an exception a person can replay.
   */
  deliver(message: ChannelMessage, profile: PartnerProfile, deps: { log: Logger; fetch?: typeof fetch }): Promise<{ ref: string }>;
  /**
   * Why this profile cannot be delivered to yet (no endpoint URL set: an example profile, a buyer
   * being onboarded), or undefined when it can. Such a message goes to the partner's out/ folder
   * with the reason on its trail, as an EDI partner's does before its transport is set up.
   */
  unconfigured?(profile: PartnerProfile): string | undefined;
}

export interface ChannelRendered {
  /** For the file name: e.g. "ShipNoticeRequest-SO123" or "fulfillment-4711". */
  label: string;
  content: Buffer;
  /** For the audit trail: e.g. "Shopify fulfillment for order #1001 (2 lines)". */
  description: string;
}
