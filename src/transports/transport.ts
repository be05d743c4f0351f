import type { Receipt, ReceiveResult } from '../inbox/inbox';

/** Hands received bytes to the inbox; resolves once they are durably stored. */
export type ReceiveFn = (receipt: Receipt) => Promise<ReceiveResult>;

/** Hands many receipts to the inbox at once: all durably stored when it resolves, or none (src/inbox/inbox.ts receiveMany). */
export type ReceiveManyFn = (receipts: Receipt[]) => Promise<ReceiveResult[]>;

export interface PollSummary {
  /** Files stored (new messages and duplicate receipts) and moved to archive. */
  received: number;
  /** Files seen but not yet stable: taken on a later poll. */
  waiting: number;
  /** Files moved to error/ because they could not be stored. */
  failed: number;
}

/** An inbound connector for one partner: polls (or listens), stores, then lets go of the source. */
export interface InboundTransport {
  readonly kind: string;
  readonly partnerId: string;
  start(): void;
  /** Stops polling; a file in hand is finished (stored and moved) before this resolves. */
  stop(): Promise<void>;
  pollOnce(): Promise<PollSummary>;
}

/** An outbound connector: delivers one file, whole or not at all. */
export interface OutboundTransport {
  readonly kind: string;
  send(file: { name: string; content: Buffer }): Promise<{ ref: string }>;
}
