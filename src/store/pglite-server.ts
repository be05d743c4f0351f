import net from 'node:net';
import type { PGlite } from '@electric-sql/pglite';

/**
 * Serves one PGlite database to many PostgreSQL wire-protocol clients on a Unix socket.
 *
 * PGlite has one backend. Clients take turns, and a turn is never cut short: it lasts from a
 * client's first message up to its Sync or simple Query, and, when that leaves a transaction
 * open, until the transaction ends. So the unnamed statement and portal of the extended protocol
 * and every transaction belong to one client at a time.
 *
 * Why not @electric-sql/pglite-socket (0.2.17): its queue hands the backend over between single
 * protocol messages. Two clients' Parse/Bind/Execute sequences interleave under load (measured
 * here: `portal "" cannot be run` and rows returned to the wrong client within 40 files), which
 * loses data. Its transaction rule is right and is kept here.
 *
 * Session state (SET, named prepared statements) is shared by all clients: ours use neither.
 */

const SSL_REQUEST = 80877103;
const GSS_REQUEST = 80877104;
const CANCEL_REQUEST = 80877102;

/** A FIFO lock whose holder is a client, re-entrant for that client. */
class Turn {
  private holder?: object;
  private readonly waiting: { who: object; go: () => void }[] = [];

  async take(who: object): Promise<void> {
    if (this.holder === undefined || this.holder === who) {
      this.holder = who;
      return;
    }
    await new Promise<void>((go) => this.waiting.push({ who, go }));
  }

  give(who: object): void {
    if (this.holder !== who) return;
    const next = this.waiting.shift();
    this.holder = next?.who;
    next?.go();
  }

  /** A client that leaves gives up its place, held or queued. */
  leave(who: object): void {
    const i = this.waiting.findIndex((w) => w.who === who);
    if (i >= 0) this.waiting.splice(i, 1);
    this.give(who);
  }

  heldBy(who: object): boolean {
    return this.holder === who;
  }
}

export class PGliteServer {
  private readonly server: net.Server;
  private readonly turn = new Turn();
  private readonly clients = new Set<net.Socket>();

  constructor(private readonly db: PGlite) {
    this.server = net.createServer((socket) => this.serve(socket));
  }

  listen(socketPath: string): Promise<void> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(socketPath, () => {
        this.server.off('error', reject);
        resolve();
      });
    });
  }

  get connections(): number {
    return this.clients.size;
  }

  async close(): Promise<void> {
    for (const c of this.clients) c.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private serve(socket: net.Socket): void {
    const me = {};
    this.clients.add(socket);
    let buffered = Buffer.alloc(0);
    let started = false;
    let batch: Buffer[] = [];
    let work = Promise.resolve();

    const run = (messages: Buffer, endsTurn: boolean) => {
      work = work.then(async () => {
        await this.turn.take(me);
        if (socket.destroyed) return this.turn.leave(me);
        // The stream form: execProtocolRaw keeps every reply in PGlite's result list, which grew
        // the heap by ~0.6 KB a statement (measured: 100k messages took the daemon to 1.7 GB).
        await this.db.execProtocolRawStream(new Uint8Array(messages.buffer, messages.byteOffset, messages.length), {
          onRawData: (data) => {
            // data is a view of WASM memory: copy it before the next statement overwrites it.
            if (!socket.destroyed && data.length) socket.write(Buffer.from(data));
          },
        });
        if (endsTurn && !this.db.isInTransaction()) this.turn.give(me);
      }).catch((err) => {
        socket.destroy(err);
      });
    };

    socket.on('data', (chunk) => {
      buffered = buffered.length ? Buffer.concat([buffered, chunk]) : chunk;
      for (;;) {
        if (!started) {
          if (buffered.length < 8) return;
          const len = buffered.readInt32BE(0);
          if (buffered.length < len) return;
          const code = buffered.readInt32BE(4);
          const msg = buffered.subarray(0, len);
          buffered = buffered.subarray(len);
          if (code === SSL_REQUEST || code === GSS_REQUEST) { socket.write('N'); continue; }
          if (code === CANCEL_REQUEST) { socket.end(); return; }
          started = true;
          run(Buffer.from(msg), true); // the startup message: PGlite answers with AuthenticationOk ... ReadyForQuery
          continue;
        }
        if (buffered.length < 5) return;
        const len = 1 + buffered.readInt32BE(1);
        if (buffered.length < len) return;
        const type = String.fromCharCode(buffered[0]);
        const msg = buffered.subarray(0, len);
        buffered = buffered.subarray(len);
        if (type === 'X') { socket.end(); return; } // Terminate
        batch.push(Buffer.from(msg));
        // Sync and simple Query end a turn; Flush asks for the replies so far but keeps the turn.
        if (type === 'S' || type === 'Q' || type === 'H') {
          run(Buffer.concat(batch), type !== 'H');
          batch = [];
        }
      }
    });

    const gone = () => {
      if (!this.clients.delete(socket)) return;
      work = work.then(async () => {
        // A client that vanished inside its transaction must not leave it open for the next one.
        if (this.turn.heldBy(me) && this.db.isInTransaction()) await this.db.exec('ROLLBACK').catch(() => undefined);
        this.turn.leave(me);
      });
    };
    socket.on('close', gone);
    socket.on('error', gone);
  }
}
