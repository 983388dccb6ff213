import { sql } from 'drizzle-orm';
import { queryRows } from '../src/platform/db/index.js';
import { TestClient } from '../src/platform/testing/app.js';
import { createTestAccount, signInAs } from '../src/platform/testing/accounts.js';
import type { BenchApp } from './lib.js';

/**
 * `enrolments` enrolments of as many enterprises, inserted in bulk (two INSERT … SELECT over
 * generate_series), spread over the four legal types and the states before a decision or refused
 * (an active enrolment needs an active RSE member, which this bulk data has not), a minute apart; and a
 * registry agent signed in (then VACUUM ANALYZE, as autovacuum would): returns the cookie header of the agent's session for /agent/inscriptions.
 */
export async function verificationQueueFixture(bench: BenchApp, enrolments: number): Promise<{ cookie: string; underVerification: number }> {
  const rse = await createTestAccount(bench.db, 'enterprise');
  const agent = await createTestAccount(bench.db, 'agent');
  await bench.db.execute(sql`
    insert into registry_enterprise (rq_id, neq, legal_name, legal_type, address_line, municipality, postal_code, return_filed, mailing_address_ok, file_in_good_standing, officers_up_to_date)
    select lpad((5000000000 + g)::text, 10, '0'), lpad((6000000000 + g)::text, 10, '0'), 'Garderie du banc ' || g,
           (array['sole_proprietor', 'corporation', 'nonprofit', 'partnership'])[1 + g % 4]::legal_type,
           g || ', rue Principale', 'Québec', 'G1R 2B5', true, true, true, true
    from generate_series(1, ${enrolments}) g`);
  await bench.db.execute(sql`
    insert into enrolment (number, enterprise_id, legal_type, state, enroller_first_name, enroller_last_name, enroller_email, enroller_role,
                           enroller_recognised, identifiers_given, documents_required, consented_at, rse_account_id, created_at)
    select 'INS-2025-' || lpad(n::text, 6, '0'), e.id, e.legal_type,
           (array['waiting_documents', 'under_verification', 'refused', 'under_verification'])[1 + (n / 4) % 4]::enrolment_state,
           'Prénom', 'Nom ' || n, 'banc-' || n || '@garderie.test', 'employee', false, '{rqId}', '{signed_forms,proof_of_authority}',
           now(), ${rse.account.id}, timestamptz '2025-01-01' + n * interval '1 minute'
    from (select id, legal_type, row_number() over (order by rq_id) as n from registry_enterprise where legal_name like 'Garderie du banc %') e`);
  await bench.db.execute(sql`vacuum analyze registry_enterprise`);
  await bench.db.execute(sql`vacuum analyze enrolment`);
  const [counted] = await queryRows<{ n: number }>(bench.db, sql`select count(*)::int as n from enrolment where state = 'under_verification'`);
  const underVerification = counted?.n ?? 0;
  const client = new TestClient(bench.app);
  await signInAs(client, agent);
  const cookie = [...client.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  return { cookie, underVerification };
}
