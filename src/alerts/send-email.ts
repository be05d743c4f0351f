import nodemailer from 'nodemailer';
import type SMTPTransport from 'nodemailer/lib/smtp-transport';
import type { Alert } from './alert';
import { batchSubject, batchText } from './alert-text';

export interface EmailTarget {
  /** smtp://user:password@host:587 or smtps://...:465: a secret (it holds the password). */
  smtpUrl: string;
  from: string;
  to: readonly string[];
  dashboardUrl?: string;
  timeoutMs?: number;
}

/** The SMTP server's host, for errors: never the URL, which holds the password. */
function smtpHost(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return 'the SMTP server';
  }
}

/**
 * smtp://user:password@host:port (STARTTLS when the server offers it; port 587 by default) or
 * smtps://...(TLS from the start; 465). User and password are URL-encoded in the URL.
 */
export function smtpOptions(url: string): SMTPTransport.Options {
  const u = new URL(url);
  const secure = url.startsWith('smtps:');
  return {
    host: u.hostname.replace(/^\[|\]$/g, ''),
    port: u.port ? Number(u.port) : secure ? 465 : 587,
    secure,
    auth: u.username ? { user: decodeURIComponent(u.username), pass: decodeURIComponent(u.password) } : undefined,
    // Our errors say what is needed; nodemailer's own logging would include the AUTH exchange.
    logger: false, debug: false,
  };
}

/** Sends one batch as one plain-text e-mail to every recipient. */
export async function sendEmail(target: EmailTarget, alerts: readonly Alert[]): Promise<void> {
  const timeout = target.timeoutMs ?? 15_000;
  const transport = nodemailer.createTransport({ ...smtpOptions(target.smtpUrl), connectionTimeout: timeout, greetingTimeout: timeout, socketTimeout: timeout });
  try {
    await transport.sendMail({
      from: target.from,
      to: [...target.to],
      subject: batchSubject(alerts),
      text: `${batchText(alerts, target.dashboardUrl)}\n-- \nedi-gateway alerts: GET /api/alerts or the dashboard lists every alert raised.\n`,
      headers: { 'X-Edi-Gateway-Alerts': alerts.map((a) => a.id).join(',') },
    });
  } catch (err) {
    const e = err as Error & { code?: string; responseCode?: number };
    throw new Error(`e-mail via ${smtpHost(target.smtpUrl)}: ${e.responseCode ? `${e.responseCode} ` : ''}${e.code ?? ''}${e.code ? ': ' : ''}${e.message.replace(target.smtpUrl, '[smtp url]')}`);
  } finally {
    transport.close();
  }
}
