import { sql } from 'drizzle-orm';
import { verifyAuditChain } from '../src/platform/audit/service.js';
import { translate } from '../src/platform/i18n/index.js';
import { queryRows, type Db } from '../src/platform/db/index.js';
import { valueKey } from '../src/modules/requests/service.js';
import type { ReceivedMail } from './mail.js';
import type { MadeRequest, Outcome } from './workload.js';

/**
 * What must hold after the load and the crash. Each check gives a line of the report and, when it
 * fails, what it found.
 */
export type Check = { name: string; ok: boolean; detail: string };

/** A POST in flight when its instance was killed gets 502 from the proxy, within this time of the kill. */
export const KILL_WINDOW_MS = 5_000;

export function responsesCheck(outcomes: readonly Outcome[], killedAt: number): Check {
  const unexpected = outcomes.filter((o) => !o.expected && !(o.status === 502 && o.method === 'POST' && o.at >= killedAt - 1000 && o.at <= killedAt + KILL_WINDOW_MS));
  const byKind = new Map<string, number>();
  for (const o of unexpected) byKind.set(`${o.operation} → ${o.status || 'no answer'}`, (byKind.get(`${o.operation} → ${o.status || 'no answer'}`) ?? 0) + 1);
  return {
    name: 'no response other than the expected ones (502 only for a POST caught by the kill)',
    ok: unexpected.length === 0,
    detail: unexpected.length === 0 ? `${outcomes.length} responses` : [...byKind].map(([k, n]) => `${k} ×${n}`).join('; '),
  };
}

/**
 * Every transmission the provider was told of is in the database, and no transition was applied
 * twice: per request, transitions to « Transmis », submissions, audit events « request.transmitted »
 * and mails to the directorate all equal its round.
 */
export async function transitionsCheck(db: Db, made: readonly MadeRequest[]): Promise<Check> {
  // The directorate's notice of a transmission, in French, its number standing for chr(1).
  const noticeSubject = translate('fr', 'requests.mail.transmitted.subject', { program: '%', number: '\u0001' });
  const rows = await queryRows<{ id: string; state: string; round: number; transitions: number; submissions: number; audits: number; mails: number; values: Record<string, string> | null }>(
    db,
    sql`select r.id, r.state, r.round,
          (select count(*)::int from request_transition t where t.request_id = r.id and t.to_state = 'submitted') as transitions,
          (select count(*)::int from request_submission s where s.request_id = r.id) as submissions,
          (select count(*)::int from audit_event a where a.subject_id = r.id::text and a.action = 'request.transmitted') as audits,
          (select count(*)::int from outbox_mail m where m.subject like replace(${noticeSubject}, chr(1), r.number)) as mails,
          (select s.values from request_submission s where s.request_id = r.id and s.round = 1) as values
        from request r`,
  );
  const problems: string[] = [];
  for (const r of rows) {
    if (r.transitions !== r.round || r.submissions !== r.round || r.audits !== r.round || r.mails !== r.round) {
      problems.push(`request ${r.id}: round ${r.round}, ${r.transitions} transitions, ${r.submissions} submissions, ${r.audits} audit events, ${r.mails} mails`);
    }
  }
  const byId = new Map(rows.map((r) => [r.id, r]));
  let acknowledged = 0;
  for (const m of made) {
    const row = byId.get(m.id);
    if (!row) {
      problems.push(`request ${m.id}: created for its provider, absent from the database`);
      continue;
    }
    if (!m.transmitted) continue;
    acknowledged++;
    if (row.state !== 'submitted' || row.round !== 1) problems.push(`request ${m.id}: transmission acknowledged, state ${row.state} round ${row.round}`);
    const changed = Object.entries(m.values).filter(([field, value]) => row.values?.[valueKey(field)] !== value);
    if (changed.length > 0) problems.push(`request ${m.id}: ${changed.map(([field]) => field).join(', ')} transmitted other than typed`);
  }
  const submitted = rows.filter((r) => r.state === 'submitted').length;
  return {
    name: 'no transition lost or applied twice',
    ok: problems.length === 0,
    detail: problems.length === 0 ? `${rows.length} requests, ${made.length} created under load, ${acknowledged} transmissions acknowledged, ${submitted} transmitted` : problems.slice(0, 10).join('; '),
  };
}

/** Request numbers YYYY-DD-NNN: per year and directorate, 1 to the sequence's last value, each once. */
export async function numbersCheck(db: Db): Promise<Check> {
  const sequences = await queryRows<{ year: number; code: string; last: number; numbers: string[] }>(
    db,
    sql`select q.year, q.directorate_code as code, q.last_value as last,
          coalesce((select array_agg(r.number) from request r where r.number like q.year || '-' || q.directorate_code || '-%'), '{}') as numbers
        from request_sequence q`,
  );
  const problems: string[] = [];
  let total = 0;
  for (const s of sequences) {
    const seen = s.numbers.map((n) => Number(n.slice(n.lastIndexOf('-') + 1))).sort((a, b) => a - b);
    total += seen.length;
    const gapFree = seen.length === s.last && seen.every((n, i) => n === i + 1);
    if (!gapFree) problems.push(`${s.year}-${s.code}: ${seen.length} numbers for a last value of ${s.last}`);
  }
  return { name: 'request numbers gap-free', ok: problems.length === 0 && total > 0, detail: problems.length === 0 ? `${total} numbers in ${sequences.length} sequence(s)` : problems.join('; ') };
}

/**
 * Every outbox mail sent, and received once by the SMTP server. Once only cannot hold across a
 * crash between the server's « 250 OK » and the row marked sent: such a mail is sent again when its
 * claim expires. It is allowed only if its first copy came just before the kill, and counted.
 */
export async function mailCheck(db: Db, received: readonly ReceivedMail[], messageIdDomain: string, killedAt: number): Promise<Check> {
  const rows = await queryRows<{ id: number; sent: boolean }>(db, sql`select id, sent_at is not null as sent from outbox_mail order by id`);
  const copies = new Map<string, number[]>();
  for (const mail of received) copies.set(mail.messageId, [...(copies.get(mail.messageId) ?? []), mail.at]);
  const problems: string[] = [];
  let resent = 0;
  for (const row of rows) {
    const times = copies.get(`<outbox-${row.id}@${messageIdDomain}>`) ?? [];
    copies.delete(`<outbox-${row.id}@${messageIdDomain}>`);
    if (!row.sent || times.length === 0) problems.push(`mail ${row.id}: ${row.sent ? 'marked sent' : 'not sent'}, received ${times.length} time(s)`);
    else if (times.length > 1) {
      const first = times[0] as number;
      if (times.length === 2 && first <= killedAt && first >= killedAt - 2000) resent++;
      else problems.push(`mail ${row.id}: received ${times.length} times`);
    }
  }
  for (const [messageId] of copies) problems.push(`received ${messageId}, which no outbox row is`);
  return {
    name: 'every outbox mail sent exactly once',
    ok: problems.length === 0 && rows.length > 0,
    detail: problems.length === 0 ? `${rows.length} mails, ${received.length} received${resent > 0 ? `; ${resent} sent again after the crash (its first copy accepted just before the kill)` : ''}` : problems.slice(0, 10).join('; '),
  };
}

export async function auditCheck(db: Db): Promise<Check> {
  const chain = await verifyAuditChain(db);
  return { name: 'the audit chain verifies', ok: chain.ok, detail: chain.ok ? `${chain.count} events` : JSON.stringify(chain) };
}
