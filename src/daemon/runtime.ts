import type { GatewayConfig } from '../config/gateway.config';
import { receive, receiveMany, type Receipt, type ReceiveResult } from '../inbox/inbox';
import type { Logger } from '../log/logger';
import type { PartnerRegistry } from '../partners/partner-registry';
import { requireProfiles, type BrokenPartner } from '../partners/require-profiles';
import { inboundProcessor } from '../pipeline/inbound-processor';
import { DEFAULT_INBOUND_STAGES, type InboundStage } from '../pipeline/inbound-stages';
import { JobQueue, QUEUES } from '../queue/job-queue';
import { BulkWork } from '../queue/bulk-work';
import { registerBulkKinds } from './bulk-kinds';
import { outboundSender } from '../pipeline/outbound-sender';
import { translateStage } from '../pipeline/translate.stage';
import { x12ValidateStage } from '../pipeline/x12-validate.stage';
import { edifactValidateStage } from '../pipeline/edifact-validate.stage';
import type { StoreRole } from '../store/embedded-pglite';
import { openStore, type Store } from '../store/store';
import { createOdooClient } from '../odoo/client/create-client';
import type { ResilientOdooClient } from '../odoo/client/odoo-client';
import { OdooEventScanner } from '../odoo/events/event-scanner';
import { odooStage } from '../pipeline/odoo.stage';
import { longestDuplicateWindowDays } from '../pipeline/flag-duplicates';
import { marketplaceStages } from '../marketplaces';
import { ClusterScheduler } from '../schedule/cluster-scheduler';

/** The parts every gateway process shares: store, queue, partners, and the inbox into them. */
export interface Runtime {
  config: GatewayConfig;
  log: Logger;
  store: Store;
  queue: JobQueue;
  partners(): PartnerRegistry;
  /** Swaps in a newly loaded set of profiles (the daemon's reload); work in hand keeps the old one. */
  setPartners(registry: PartnerRegistry): void;
  receive(r: Receipt): Promise<ReceiveResult>;
  /** Many receipts in one transaction (a folder poll's files): all stored with their jobs, or none. */
  receiveMany(rs: Receipt[]): Promise<ReceiveResult[]>;
  /** The inbound path in order: identify, route, validate and acknowledge (translation and Odoo join here). */
  inboundStages(): InboundStage[];
  /** Starts the worker that carries inbound messages through their stages. */
  workInbound(stages?: readonly InboundStage[]): void;
  /** The Odoo client (the real Odoo when config.odoo.url is set, else the sandbox), made on first use. */
  odoo(): ResilientOdooClient;
  /** Points the Odoo client at the sandbox `run` started (its port may have been chosen by the OS). */
  useSandboxOdoo(url: string): void;
  /** Odoo events -> outbound documents: scanNow() for a webhook, start(pollSeconds) for the daemon. */
  odooEvents: OdooEventScanner;
  /**
   * This process's share of the cluster's schedules: the daemon adds them; an HTTP route may
   * trigger one early (a Shopify webhook, the order pull). Here rather than in the daemon so that
   * the routes reach it; empty (no timers) in a CLI command.
   */
  schedules: ClusterScheduler;
  /** Starts the worker that sends outbound messages. */
  workOutbound(): void;
  /** Bulk work by kind (channel-inventory, reconciliation-report ...): register more kinds here. */
  bulk: BulkWork;
  /** Starts the bulk queue's worker, at queue.bulkConcurrency: never the critical flows' workers. */
  workBulk(): void;
  close(): Promise<void>;
}

export interface RuntimeOptions {
  role: StoreRole;
  /** Told of each partner whose profile or tables do not load (left out); the log's error line by default. */
  onBrokenPartner?: (b: BrokenPartner) => void;
  /** Load partner profiles (and fail on a bad one). Reading the message log does not need them. */
  needsPartners: boolean;
}

export async function openRuntime(config: GatewayConfig, log: Logger, options: RuntimeOptions): Promise<Runtime> {
  // Profiles first: a bad profile should stop us before anything is opened.
  // A partner whose profile or tables are broken is left out, named; the others run.
  const onBroken = options.onBrokenPartner ?? ((b: BrokenPartner) => log.error({ partnerId: b.id, problems: b.issues.length }, `partner left out: ${b.reason}`));
  let registry = options.needsPartners ? requireProfiles(config.profilesDir, { onBroken }) : undefined;
  const partners = () => (registry ??= requireProfiles(config.profilesDir, { onBroken }));

  const store = await openStore({
    home: config.home, databaseUrl: config.databaseUrl, role: options.role, log,
    // The history snapshot left at close covers the longest duplicate window of the profiles loaded.
    historyWindowDays: () => longestDuplicateWindowDays(registry),
  });
  const queue = new JobQueue({
    connection: store.connection,
    log,
    retryLimit: config.queue.retryLimit,
    retryDelaySeconds: config.queue.retryDelaySeconds,
    supervise: options.role === 'daemon',
    serializeStartup: store.backend === 'postgres',
    worker: { pollIntervalMs: config.queue.pollIntervalMs, batchSize: config.queue.batchSize, concurrency: config.queue.concurrency },
  });
  try {
    await queue.start();
  } catch (err) {
    await store.close();
    throw err;
  }
  const inbox = { knex: store.knex, queue, partners, log };
  let client: ResilientOdooClient | undefined;
  let sandboxUrl: string | undefined;
  const odoo = () => (client ??= createOdooClient(config, log, sandboxUrl && !config.odoo.url ? { url: sandboxUrl } : {}));
  const inboundStages = () => [...DEFAULT_INBOUND_STAGES, x12ValidateStage({ knex: store.knex, queue, config }), edifactValidateStage({ knex: store.knex, queue, config }),
    ...marketplaceStages({ knex: store.knex }), translateStage({ knex: store.knex }),
    ...(config.odoo.enabled ? [odooStage({ knex: store.knex, odoo })] : [])];
  const bulk = new BulkWork(log.child({ queue: QUEUES.bulk }));
  const odooEvents = new OdooEventScanner({ knex: store.knex, queue, config, partners, odoo, log: log.child({ component: 'odoo-events' }) });
  const schedules = new ClusterScheduler({ knex: store.knex, log: log.child({ component: 'scheduler' }) });

  const rt: Runtime = {
    config, log, store, queue, partners,
    setPartners(next) { registry = next; },
    receive: (r) => receive(inbox, r),
    receiveMany: (rs) => receiveMany(inbox, rs),
    inboundStages,
    odoo,
    useSandboxOdoo(url) { sandboxUrl = url; client = undefined; },
    odooEvents,
    schedules,
    workInbound(stages = inboundStages()) {
      const processor = inboundProcessor({ knex: store.knex, partners, log, stages });
      const worker = queue.work(QUEUES.inbound, processor.handle);
      worker.onFailure = processor.onFailure;
    },
    workOutbound() {
      const sender = outboundSender({ knex: store.knex, config, partners, log });
      const worker = queue.work(QUEUES.outbound, sender.handle, { concurrency: config.queue.outboundConcurrency });
      worker.onFailure = sender.onFailure;
    },
    bulk,
    workBulk() {
      queue.work(QUEUES.bulk, bulk.handle, { concurrency: config.queue.bulkConcurrency, batchSize: config.queue.bulkConcurrency });
    },
    async close() {
      // The scanner and a scheduled run may still be enqueueing (their sends need the queue open); the workers need not wait for them.
      await Promise.all([odooEvents.stop(), schedules.stop(), queue.stopWorkers()]);
      await queue.stop();
      await store.close();
    },
  };
  registerBulkKinds(rt);
  return rt;
}
