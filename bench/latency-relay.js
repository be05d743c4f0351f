'use strict';
// A TCP relay that holds every chunk for `oneWayMs` before passing it on, in both directions: a
// network with a round trip of 2 x oneWayMs between the gateway and its Odoo (a LAN, a cloud
// Odoo), without root or tc/netem. Chunks leave in the order they came (timers of equal delay
// fire in order). Only data is delayed: the TCP handshake to the relay is local, which a
// keep-alive client (the Odoo client's agent) pays once.
const net = require('net');

/** Starts the relay on 127.0.0.1 in front of `targetPort`; resolves with its port and close(). */
function startLatencyRelay(targetPort, oneWayMs) {
  const sockets = new Set();
  const server = net.createServer((client) => {
    const upstream = net.connect(targetPort, '127.0.0.1');
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.setNoDelay(true);
      s.on('close', () => sockets.delete(s));
      s.on('error', () => { client.destroy(); upstream.destroy(); });
    }
    const pipeDelayed = (from, to) => {
      from.on('data', (chunk) => setTimeout(() => { if (!to.destroyed) to.write(chunk); }, oneWayMs));
      // The end, too, arrives after the data before it.
      from.on('end', () => setTimeout(() => to.end(), oneWayMs));
    };
    pipeDelayed(client, upstream);
    pipeDelayed(upstream, client);
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve({
      port: server.address().port,
      close: () => new Promise((r) => { for (const s of sockets) s.destroy(); server.close(() => r()); }),
    }));
  });
}

module.exports = { startLatencyRelay };
