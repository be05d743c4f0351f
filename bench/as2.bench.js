'use strict';
// AS2 messages per second with signing (sha256, RSA 2048) and encryption (aes256-cbc, RSA
// PKCS#1 v1.5 key transport), both directions, in process (no HTTP, no store):
//   build:   payload -> MIME entity -> multipart/signed -> enveloped-data (packMessage, what the
//            sender POSTs);
//   receive: enveloped-data -> decrypt -> verify the partner's signature -> MIC -> our signed MDN
//            (unpackMessage + computeMic + buildMdn, what the receiver does around storing).
// The peer is `openssl cms` on the same payloads and the same wire messages: sign then encrypt;
// decrypt, verify, then sign an MDN report. OpenSSL 3 has no batch (interactive) mode, so each
// step is a process of its own; the steps run in one shell loop (no Node spawn per step) and the
// cost of starting openssl is measured apart and given beside, so both figures can be read.
const fs = require('fs');
const os = require('os');
const path = require('path');
const { execFileSync } = require('child_process');
const { report, peakRss, x12Order } = require('./lib');
const { loadOurIdentity } = require('../dist/transports/as2/as2.config');
const { As2TransportSchema } = require('../dist/transports/as2/as2.schema');
const { packMessage } = require('../dist/transports/as2/as2-message');
const { unpackMessage } = require('../dist/transports/as2/as2-unpack');
const { buildMdn } = require('../dist/transports/as2/mdn');
const { computeMic } = require('../dist/transports/as2/mic');

const openssl = (args, input) => execFileSync('openssl', args, { input, maxBuffer: 256 * 1024 * 1024, stdio: ['pipe', 'pipe', 'pipe'] });

/** A throwaway self-signed RSA 2048 identity, made by openssl as a partner would hand it over. */
function makeIdentity(dir, name) {
  const cert = path.join(dir, `${name}.crt`);
  const key = path.join(dir, `${name}.key`);
  openssl(['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-days', '2', '-subj', `/CN=${name}/O=edi-gateway bench`]);
  const loaded = loadOurIdentity({ as2: { certificateFile: cert, privateKey: fs.readFileSync(key, 'utf8') } });
  if (!loaded.ok) throw new Error(loaded.reason);
  return { cert, key, identity: loaded.ours };
}

/** Settings as `as2Settings` gives them: `me` signs and decrypts, `them` is the partner. */
function settings(me, them, myName, theirName) {
  return {
    partnerId: theirName.toLowerCase(), partnerAs2Id: theirName, ourAs2Id: myName,
    profile: As2TransportSchema.parse({ partnerAs2Id: theirName, certificateFile: them.cert, signing: 'sha256', encryption: 'aes256-cbc', inbound: { requireSigned: true, requireEncrypted: true } }),
    partnerCertificatePem: them.identity.certificatePem, partnerCertificateDer: them.identity.certificateDer,
    partnerCertificate: them.identity.certificate, ours: me.identity,
  };
}

const secs = (t0) => Number(process.hrtime.bigint() - t0) / 1e9;

/** The entity packMessage signs: what openssl signs too, so both sign the same bytes. */
function entityOf(payload, filename) {
  return Buffer.concat([Buffer.from(`Content-Type: application/edi-x12\r\nContent-Transfer-Encoding: binary\r\nContent-Disposition: attachment; filename="${filename}"\r\n\r\n`), payload]);
}

/** A decrypted multipart/signed entity -> its exact first part and the signature's DER. */
function splitSigned(entity) {
  const text = entity.toString('latin1');
  const head = text.slice(0, text.indexOf('\r\n\r\n'));
  const boundary = /boundary="?([^";\r\n]+)"?/i.exec(head)[1];
  const marker = `--${boundary}`;
  const first = text.indexOf(`${marker}\r\n`) + marker.length + 2;
  const second = text.indexOf(`\r\n${marker}\r\n`, first);
  const sigPart = text.slice(second + marker.length + 4, text.indexOf(`\r\n${marker}--`, second + 1));
  const sigBody = sigPart.slice(sigPart.indexOf('\r\n\r\n') + 4);
  return { content: entity.subarray(first, second), signature: Buffer.from(sigBody.replace(/\s+/g, ''), 'base64') };
}

/** Runs a shell script once and returns its wall time; openssl's failures stop the script (set -e). */
function timeShell(script) {
  const t0 = process.hrtime.bigint();
  execFileSync('sh', ['-ec', script], { stdio: ['ignore', 'ignore', 'pipe'], maxBuffer: 64 * 1024 * 1024 });
  return secs(t0);
}

async function runSize(dir, ids, { label, bytes, n }) {
  const payloads = Array.from({ length: n }, (_, i) => x12Order(i + 1, bytes));
  // Our side: we sign and decrypt with our key; the partner's certificate is pinned.
  const ourSide = settings(ids.ours, ids.partner, 'ODOODIST', 'SUMMIT AS2');
  // The partner's side, to make what we receive: signed with its key, encrypted for our certificate.
  const partnerSide = settings(ids.partner, ids.ours, 'SUMMIT AS2', 'ODOODIST');
  const inbound = [];
  for (let i = 0; i < n; i++) inbound.push(await packMessage(partnerSide, payloads[i], { filename: `po-${i + 1}.x12`, contentType: 'application/edi-x12' }));

  // Warm-up (untimed): the JIT and WebCrypto's first key import, not part of a steady rate.
  for (let i = 0; i < Math.min(3, n); i++) {
    await packMessage(ourSide, payloads[i], { filename: 'warm.x12', contentType: 'application/edi-x12' });
    await unpackMessage(ourSide, { contentType: inbound[i].contentType, body: inbound[i].body });
  }

  const peak = peakRss();
  let t0 = process.hrtime.bigint();
  let outBytes = 0;
  for (let i = 0; i < n; i++) outBytes += (await packMessage(ourSide, payloads[i], { filename: `po-${i + 1}.x12`, contentType: 'application/edi-x12' })).body.length;
  const buildSecs = secs(t0);

  t0 = process.hrtime.bigint();
  for (let i = 0; i < n; i++) {
    const u = await unpackMessage(ourSide, { contentType: inbound[i].contentType, body: inbound[i].body });
    if (!u.ok || !u.payload.equals(payloads[i])) throw new Error(`message ${i + 1} not received: ${u.ok ? 'payload differs' : `${u.failure}: ${u.detail}`}`);
    const mic = `${computeMic(u.micSource, 'sha256')}, sha-256`;
    if (mic !== `${inbound[i].mic}, sha-256`) throw new Error(`message ${i + 1}: MIC differs from the sender's`);
    await buildMdn({
      reportingUa: 'edi-gateway', finalRecipient: 'ODOODIST', originalMessageId: `<bench-${i}@summit>`, receivedContentMic: mic,
      text: `The message <bench-${i}@summit> was received and stored.`,
    }, { key: { certificateDer: ids.ours.identity.certificateDer, privateKeyPkcs8: ids.ours.identity.privateKeyPkcs8 }, algorithm: 'sha256' });
  }
  const receiveSecs = secs(t0);
  const rss = peak();

  // openssl on the same data: the payload entities to sign, the partner's wire messages to read.
  const sdir = fs.mkdtempSync(path.join(dir, `${label}-`));
  for (let i = 0; i < n; i++) {
    fs.writeFileSync(path.join(sdir, `e${i}`), entityOf(payloads[i], `po-${i + 1}.x12`));
    fs.writeFileSync(path.join(sdir, `w${i}.p7m`), inbound[i].body);
  }
  // An MDN report of the usual size for openssl to sign, as we sign ours.
  fs.writeFileSync(path.join(sdir, 'mdn'), 'Content-Type: message/disposition-notification\r\n\r\nReporting-UA: openssl\r\nFinal-Recipient: rfc822; ODOODIST\r\n'
    + 'Original-Message-ID: <bench@summit>\r\nReceived-Content-MIC: AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=, sha-256\r\nDisposition: automatic-action/MDN-sent-automatically; processed\r\n');
  const q = (p) => `'${p}'`;
  const O = { oc: q(ids.ours.cert), ok: q(ids.ours.key), pc: q(ids.partner.cert) };
  const loop = (body) => `cd ${q(sdir)}; i=0; while [ $i -lt ${n} ]; do ${body}; i=$((i+1)); done`;
  // We sign with our key and encrypt for the partner, as packMessage does.
  const sslBuild = timeShell(loop(`openssl cms -sign -binary -in e$i -signer ${O.oc} -inkey ${O.ok} -md sha256 -out s$i; `
    + `openssl cms -encrypt -binary -in s$i -aes256 -outform DER -out o$i.p7m ${O.pc}`));
  // We decrypt the partner's message, verify its signature against the partner's certificate, and
  // sign the MDN. openssl's S/MIME reader does not give back the signed part byte for byte under
  // -binary (OpenSSL 3.0: the verification fails on content that verifies detached), so the
  // decrypted multipart/signed is split here, untimed (a string search), and verified detached,
  // as test/integration/as2-openssl.test.ts does.
  let sslReceive = timeShell(loop(`openssl cms -decrypt -binary -inform DER -in w$i.p7m -recip ${O.oc} -inkey ${O.ok} -out d$i`));
  for (let i = 0; i < n; i++) {
    const { content, signature } = splitSigned(fs.readFileSync(path.join(sdir, `d${i}`)));
    fs.writeFileSync(path.join(sdir, `c${i}`), content);
    fs.writeFileSync(path.join(sdir, `g${i}.p7s`), signature);
  }
  sslReceive += timeShell(loop(`openssl cms -verify -binary -inform DER -in g$i.p7s -content c$i -CAfile ${O.pc} -purpose any -out p$i; `
    + `openssl cms -sign -binary -in mdn -signer ${O.oc} -inkey ${O.ok} -md sha256 -out m$i`));
  // openssl verified the signature and wrote out the entity: its body is the payload, byte for byte.
  for (let i = 0; i < n; i++) {
    const entity = fs.readFileSync(path.join(sdir, `p${i}`));
    if (!entity.subarray(entity.indexOf('\r\n\r\n') + 4).equals(payloads[i])) throw new Error(`openssl's message ${i + 1} differs from the payload`);
  }
  // What starting openssl costs: a process that reads one small CMS structure and writes nothing.
  const starts = Math.min(n, 50);
  const startSecs = timeShell(loop(`[ $i -lt ${starts} ] && openssl cms -cmsout -inform DER -in w0.p7m -out /dev/null || true`)) / starts;
  fs.rmSync(sdir, { recursive: true, force: true });

  const rate = (count, s) => Math.round(count / s * 10) / 10;
  // The part of openssl's time per message spent starting its processes (steps x start cost).
  const starting = (steps) => `${steps} processes a message, ~${Math.round(steps * startSecs * 1000)} ms of it starting them`;
  const input = `${n} x ${label} 850 (${Math.round(outBytes / n / 1000)} KB on the wire), sha256 + aes256-cbc, RSA 2048, in process`;
  report({ bench: 'as2', metric: 'build (sign + encrypt)', value: rate(n, buildSecs), unit: 'messages/s', input,
    peer: { name: `openssl cms sign, encrypt (${starting(2)})`, value: rate(n, sslBuild) } });
  report({ bench: 'as2', metric: 'receive (decrypt + verify + signed MDN)', value: rate(n, receiveSecs), unit: 'messages/s', input,
    peer: { name: `openssl cms decrypt, verify, sign (${starting(3)})`, value: rate(n, sslReceive) } });
  // Bytes per second say something only where the payload, not the RSA operations, is the work.
  if (bytes >= 100_000) {
    report({ bench: 'as2', metric: 'build throughput', value: +(n * bytes / 1e6 / buildSecs).toFixed(2), unit: 'MB/s', input, peer: { name: 'openssl cms', value: +(n * bytes / 1e6 / sslBuild).toFixed(2) } });
    report({ bench: 'as2', metric: 'receive throughput', value: +(n * bytes / 1e6 / receiveSecs).toFixed(2), unit: 'MB/s', input, peer: { name: 'openssl cms', value: +(n * bytes / 1e6 / sslReceive).toFixed(2) } });
  }
  report({ bench: 'as2', metric: 'peak_rss', value: rss, unit: 'MB', input });
  report({ bench: 'as2', metric: 'openssl process start', value: Math.round(startSecs * 1e4) / 10, unit: 'ms', input: `openssl cms -cmsout on a small message, in a shell loop (beside the ${label} runs)` });
}

module.exports = async function as2Bench({ size }) {
  const sizes = size === 'full'
    ? [{ label: '2 KB', bytes: 2_000, n: 1_000 }, { label: '200 KB', bytes: 200_000, n: 100 }]
    : [{ label: '2 KB', bytes: 2_000, n: 20 }, { label: '200 KB', bytes: 200_000, n: 5 }];
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'edi-bench-as2-'));
  try {
    const ids = { ours: makeIdentity(dir, 'odoodist'), partner: makeIdentity(dir, 'summit') };
    for (const s of sizes) await runSize(dir, ids, s);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
};

if (require.main === module) {
  module.exports({ size: process.env.BENCH_SIZE === 'full' ? 'full' : 'small' }).then(() => process.exit(0), (err) => { console.error(err); process.exit(1); });
}
