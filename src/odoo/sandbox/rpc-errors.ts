import { pyTuple } from './py-repr';

/**
 * Odoo's exceptions as the sandbox raises them. `name` is the Python class path that Odoo
 * sends as `error.data.name` (ODOO-NOTES §3.1, observed on Odoo 18); clients classify on it.
 * `httpStatus` is what Odoo 19's JSON-2 answers with (UserError family: its `http_status`;
 * others 500); JSON-RPC always answers HTTP 200.
 */
export class OdooError extends Error {
  constructor(
    readonly odooName: string,
    message: string,
    readonly httpStatus = 500,
  ) {
    super(message);
  }

  /** Set on a NOT NULL violation: the field, for load()'s own wording. */
  missingField?: { label: string; name: string };
}

// Odoo 17/18/19 odoo/exceptions.py: UserError.http_status = 422, AccessError 403, MissingError 404.
export const userError = (msg: string) => new OdooError('odoo.exceptions.UserError', msg, 422);
export const validationError = (msg: string) => new OdooError('odoo.exceptions.ValidationError', msg, 422);
export const accessError = (msg: string) => new OdooError('odoo.exceptions.AccessError', msg, 403);
export const accessDenied = () => new OdooError('odoo.exceptions.AccessDenied', 'Access Denied', 401);
export const valueError = (msg: string) => new OdooError('builtins.ValueError', msg, 500);
export const typeError = (msg: string) => new OdooError('builtins.TypeError', msg, 422);
export const keyError = (msg: string) => new OdooError('builtins.KeyError', msg, 500);

/** `write`/actions on ids that are gone (read just drops them). Text as observed on Odoo 18. */
export function missingError(model: string, ids: number[], uid: number): OdooError {
  return new OdooError(
    'odoo.exceptions.MissingError',
    `Record does not exist or has been deleted.\n(Record: ${model}${pyTuple(ids)}, User: ${uid})`,
    404,
  );
}

export const invalidField = (model: string, field: string) => valueError(`Invalid field '${field}' on model '${model}'`);

/** Private methods are refused (odoo/service/model.py get_public_method; 18.0-20250702 names model and method). */
export const privateMethod = (model: string, method: string, version: 17 | 18 | 19 = 18) =>
  accessError(version >= 18
    ? `Private methods (such as '${model}.${method}') cannot be called remotely.`
    : `Private methods (such as ${method}) cannot be called remotely.`);

export const unknownModel = (model: string) => userError(`Object ${model} doesn't exist`);

/** 18.0-20250702 (service/model.py get_public_method); 17 named the model apart. */
export function unknownMethod(model: string, method: string, version: 17 | 18 | 19 = 18): OdooError {
  return new OdooError('builtins.AttributeError', version >= 18
    ? `The method '${model}.${method}' does not exist`
    : `The method '${method}' does not exist on the model '${model}'`, 404);
}

/**
 * The ACL refusal (ir.model.access _make_access_error, 17/18): the groups that have the right,
 * as `category/name`, or none.
 */
export function aclError(model: string, description: string, operation: 'read' | 'create' | 'write' | 'unlink', groups: string[] = ['Administration/Access Rights']): OdooError {
  const verb = { read: 'access', create: 'create', write: 'modify', unlink: 'delete' }[operation];
  return accessError(
    `You are not allowed to ${verb} '${description}' (${model}) records.\n\n`
    + (groups.length ? `This operation is allowed for the following groups:\n${groups.map((g) => `\t- ${g}`).join('\n')}` : 'No group currently allows this operation.')
    + '\n\nContact your administrator to request access if necessary.',
  );
}

/** mail.thread _message_compute_author: a user without an email cannot post (18). */
export const noSenderEmail = () => userError("Unable to send message, please configure the sender's email address.");

/**
 * What a NOT NULL violation becomes in Odoo 17/18 (`_as_validation_error` on the IntegrityError).
 * load() words the same violation differently (convert_pgerror_not_null), hence `missingField`.
 */
export function mandatoryFieldError(modelLabel: string, model: string, fieldLabel: string, field: string): OdooError {
  const err = validationError(
    'The operation cannot be completed:\n'
    + '- Create/update: a mandatory field is not set.\n'
    + '- Delete: another model requires the record being deleted. If possible, archive it instead.\n\n'
    + `Model: ${modelLabel} (${model})\nField: ${fieldLabel} (${field})`,
  );
  err.missingField = { label: fieldLabel, name: field };
  return err;
}

/** Faults the sandbox can be told to inject (server.ts): what PostgreSQL trouble looks like through Odoo. */
export const serializationFailure = () => new OdooError(
  'psycopg2.errors.SerializationFailure', 'could not serialize access due to concurrent update\n', 500);
export const operationalError = (detail = 'connection to server at "127.0.0.1", port 5432 failed: Connection refused\n\tIs the server running on that host and accepting TCP/IP connections?\n') =>
  new OdooError('psycopg2.OperationalError', detail, 500);

/** Anything that is not an OdooError is a bug in the sandbox; Odoo would answer it as a 500-ish Python error. */
export function asOdooError(err: unknown): OdooError {
  if (err instanceof OdooError) return err;
  const e = err instanceof Error ? err : new Error(String(err));
  return new OdooError('builtins.Exception', e.message, 500);
}

/** A fake but plausible Python traceback for `data.debug`; clients log it, never parse it. */
export function traceback(err: OdooError): string {
  return 'Traceback (most recent call last):\n'
    + '  File "/usr/lib/python3/dist-packages/odoo/http.py", line 2138, in _serve_db\n'
    + '    return service_model.retrying(self._serve_ir_http, self.env)\n'
    + `${err.odooName.replace(/^builtins\./, '')}: ${err.message}\n`;
}

/** `error.data` for JSON-RPC and the JSON-2 error body (same shape, ODOO-NOTES §1.4, §3.1). */
export function errorData(err: OdooError): { name: string; message: string; arguments: unknown[]; context: Record<string, unknown>; debug: string } {
  return { name: err.odooName, message: err.message, arguments: [err.message], context: {}, debug: traceback(err) };
}
