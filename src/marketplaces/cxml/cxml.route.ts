import type { FastifyInstance, FastifyReply } from 'fastify';
import type { Runtime } from '../../daemon/runtime';
import { checkSender, redactSharedSecret } from './credential';
import { orderFromCxml } from './order-request';
import { CXML_MAX_BYTES, CxmlSyntaxError, parseCxml } from './parse-cxml';
import { cxmlResponse, type CxmlStatus } from './response';

/**
 * POST /cxml/<partner id>: a buyer's OrderRequest, answered with a cXML Response.
 *
 *   401  the partner is unknown or not kind: cxml, or the Sender credential / SharedSecret is wrong
 *        (nothing is stored: an unauthenticated caller cannot fill the store);
 *   400  not well-formed XML, not cXML, an XML bomb (DOCTYPE internal subset), not an
 *        OrderRequest, or an OrderRequest whose structure is wrong (the reason names the element
 *        path; it is recorded as a refused receipt so operations see it);
 *   200  the bytes are stored (committed, with the job that processes them);
 *   500  the gateway could not store it (the reason says why; the buyer should resend).
 *
 * When 200 is answered: once the message is stored, before Odoo has it, as the AS2 MDN is sent
 * once the bytes are stored. cXML's 200 says the request was received and is itself without error
 * ("does not reflect any errors ... generated afterward by the application"), which is what a
 * stored, checked OrderRequest is; Odoo being slow or down must not make the network time out and
 * resend, and a problem found later (an unknown item) is an exception a person fixes and replays,
 * as for an 850 after its 997. The structure is checked before answering, so a malformed order
 * gets its 400 now rather than a silent exception.
 *
 * A repeated payloadID: the receipt's transportRef is `<partner id>/<payloadID>`, unique in the
 * store, so the same payloadID again is recognised as already stored and answered 200 again with
 * nothing new stored or written. (Scoped by partner so that one buyer's payloadID can never
 * shadow another's.)
 *
 * HTTP status: the cXML code is mirrored as the HTTP status (413 for a body over the limit), so that
 * proxies, monitoring and a network's retry logic see failures; the body is always a cXML Response.
 */
export async function registerCxmlRoutes(app: FastifyInstance, rt: Runtime): Promise<void> {
  const log = rt.log.child({ transport: 'cxml' });
  const send = (reply: FastifyReply, code: CxmlStatus, reason?: string) =>
    reply.code(code).header('content-type', 'text/xml; charset=utf-8').send(cxmlResponse(code === 413 ? 400 : code, reason));

  await app.register(async (scope) => {
    // cXML arrives as text/xml, application/xml or anything else a network sends: read bytes, parse ourselves.
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: CXML_MAX_BYTES }, (_req, body, done) => done(null, body));
    scope.setErrorHandler((err: { statusCode?: number; message: string }, _req, reply) => {
      if (err.statusCode === 413) return send(reply, 413, `the document is larger than the ${CXML_MAX_BYTES} bytes a cXML document may be`);
      log.error({ err: err.message }, 'cXML request failed');
      return send(reply, 500, err.message);
    });

    scope.post<{ Params: { partnerId: string } }>('/cxml/:partnerId', { bodyLimit: CXML_MAX_BYTES }, async (req, reply) => {
      const partnerId = req.params.partnerId;
      const body = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
      const plog = log.child({ partnerId });
      const profile = rt.partners().get(partnerId);
      if (!profile || profile.kind !== 'cxml' || !profile.cxml) {
        plog.warn('cXML for a partner that is not a cXML buyer: 401');
        return send(reply, 401, 'the Sender credential or shared secret is not the one agreed for this buyer');
      }
      let doc;
      try {
        doc = parseCxml(body);
      } catch (err) {
        if (!(err instanceof CxmlSyntaxError)) throw err;
        plog.warn({ reason: err.message }, 'cXML refused: 400');
        return send(reply, 400, err.message);
      }
      const cred = checkSender(doc.sender, profile.cxml);
      if (!cred.ok) {
        if (cred.status === 500) plog.error({ env: profile.cxml.sharedSecretEnv }, 'cXML: the shared secret\'s environment variable is not set: 500');
        else plog.warn({ payloadID: doc.payloadID }, 'cXML credential refused: 401');
        return send(reply, cred.status, cred.reason);
      }
      if (doc.requestType !== 'OrderRequest') {
        plog.warn({ payloadID: doc.payloadID, request: doc.requestType }, 'cXML request that is not an OrderRequest: 400');
        return send(reply, 400, `cXML/Request holds ${doc.requestType}: this endpoint takes OrderRequest`);
      }
      const { order, issues } = orderFromCxml(doc, profile);
      // Stored without the shared secret (see redactSharedSecret); the payloadID, not the bytes, says "the same request".
      const content = redactSharedSecret(body);
      const filename = `OrderRequest-${(order?.poNumber ?? doc.payloadID).replace(/[^A-Za-z0-9._-]/g, '_')}.xml`;
      const bad = issues.filter((i) => !i.business);
      if (bad.length) {
        const reason = bad.slice(0, 10).map((i) => i.message).join('; ');
        // Recorded for operations as a refused receipt (no job); without the payloadID as its key, so a corrected resend is taken.
        await rt.receive({ content, transport: 'cxml', partnerId: profile.id, filename, refused: { code: 'CXML_INVALID', reason } })
          .catch((err) => plog.error({ err: (err as Error).message }, 'could not record the refused cXML'));
        return send(reply, 400, reason);
      }
      try {
        const r = await rt.receive({ content, transport: 'cxml', transportRef: `${profile.id}/${doc.payloadID}`, partnerId: profile.id, filename });
        plog.info({ payloadID: doc.payloadID, messageId: r.messageId, outcome: r.outcome }, 'cXML OrderRequest received: 200');
        return send(reply, 200);
      } catch (err) {
        plog.error({ payloadID: doc.payloadID, err: (err as Error).message }, 'cXML OrderRequest not stored: 500');
        return send(reply, 500, `the gateway could not store the order: ${(err as Error).message}`);
      }
    });
  });
}
