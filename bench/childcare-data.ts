import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { transaction, type Db } from '../src/platform/db/index.js';
import { childSearchKey } from '../src/modules/childcare/identifiers.js';
import { referenceYearOf, todayInQuebec } from '../src/modules/childcare/dates.js';
import { childcareService, installation } from '../src/modules/childcare/schema.js';

/**
 * Childcare records at MES-benchmark scale: `children` children (100,000 for the bench) attending
 * the sites of one test enterprise (a CPE with three installations) and of 100 other services,
 * each with an attendance period covering today; most with an AIEH at their site, every fifth
 * funded by MES last reference year. Rows go in batched INSERTs of `batchSize` rows, in one
 * transaction. Call it once per database: the identifiers are fixed (NIREC 5xxxxxxxxx, NECSG
 * 5xxxxxxxx, permits BENCH…, sites BENCH-…).
 */

export type BenchChild = { id: string; nirec: string; necsg: string; lastName: string; firstName: string; birthDate: string; installationId: string };

export type ChildcareBenchData = {
  enterpriseNeq: string;
  permitNumber: string;
  /** The test enterprise's installations. */
  siteIds: string[];
  /** Up to 100 children attending the test enterprise, for searches that find someone. */
  enterpriseChildren: BenchChild[];
  /** Up to 100 children of other enterprises: the test enterprise's searches must not find them. */
  otherChildren: BenchChild[];
  counts: { children: number; attendance: number; allowances: number; funding: number };
};

export type ChildcareBenchOptions = {
  /** NEQ of the test enterprise (e.g. from createTestEnterprise). */
  enterpriseNeq: string;
  children?: number;
  /** One child in `enterpriseEvery` attends the test enterprise; the others attend other services. */
  enterpriseEvery?: number;
  batchSize?: number;
};

const OTHER_SERVICES = 100;
const lastNames = ['Tremblay', 'Gagnon', 'Roy', 'Côté', 'Bouchard', 'Gauthier', 'Morin', 'Lavoie', 'Fortin', 'Gagné', 'Ouellet', 'Pelletier', 'Bélanger', 'Lévesque', 'Bergeron', 'Leblanc', 'Paquette', 'Girard', 'Simard', 'Boucher', 'Caron', 'Beaulieu', 'Cloutier', 'Dubé', 'Poirier', 'Fournier', 'Lapointe', 'Leclerc', 'Lefebvre', 'Poulin', 'Thibault', 'St-Pierre', 'Nadeau', 'Martin', 'Landry', 'Martel', 'Bédard', 'Grenier', 'Lessard', 'Bernier'];
const firstNames = ['Léa', 'Emma', 'Olivia', 'Alice', 'Florence', 'Charlie', 'Zoé', 'Charlotte', 'Rosalie', 'Béatrice', 'Livia', 'Juliette', 'Mia', 'Eva', 'Clara', 'Lily', 'Romy', 'Maélie', 'Victoria', 'Ella', 'William', 'Liam', 'Thomas', 'Noah', 'Léo', 'Jacob', 'Édouard', 'Nathan', 'Félix', 'Louis', 'Émile', 'Arthur', 'Samuel', 'Logan', 'Raphaël', 'Adam', 'Hugo', 'Jules', 'Théo', 'Henri'];

const digits = (value: number, length: number): string => String(value).padStart(length, '0');

/** The n-th child's identity: names and birth dates spread so that name searches are selective. */
function benchIdentity(n: number) {
  const birth = new Date(Date.UTC(2020, 0, 1 + (n % 1800)));
  return {
    nirec: `5${digits(n, 9)}`,
    necsg: `5${digits(n, 8)}`,
    lastName: lastNames[n % lastNames.length] as string,
    firstName: firstNames[Math.floor(n / lastNames.length) % firstNames.length] as string,
    birthDate: birth.toISOString().slice(0, 10),
  };
}

/**
 * Inserts rows (keys named as the table's columns) in batches, each one INSERT … SELECT from one
 * JSON parameter: a few parameters per statement instead of thousands, on PGlite and node-postgres
 * alike. Columns left out take their defaults.
 */
export async function insertInBatches(tx: Db, table: string, rows: Record<string, unknown>[], batchSize: number): Promise<void> {
  const first = rows[0];
  if (!first) return;
  const columns = sql.raw(Object.keys(first).map((c) => `"${c}"`).join(', '));
  for (let i = 0; i < rows.length; i += batchSize) {
    const batch = JSON.stringify(rows.slice(i, i + batchSize));
    await tx.execute(sql`insert into ${sql.identifier(table)} (${columns}) select ${columns} from json_populate_recordset(null::${sql.identifier(table)}, ${batch}::json)`);
  }
}

type SiteRow = typeof installation.$inferInsert & { id: string };

/** The test enterprise's CPE with three installations, and the other services with two sites each. */
async function insertServicesAndSites(tx: Db, enterpriseNeq: string): Promise<{ ours: SiteRow[]; others: SiteRow[] }> {
  const services = [
    { id: randomUUID(), permitNumber: 'BENCHCPE0000', kind: 'cpe' as const, name: 'CPE du banc d’essai', enterpriseNeq, divisionNumber: '3000-0000' },
    ...Array.from({ length: OTHER_SERVICES }, (_, i) => ({
      id: randomUUID(),
      permitNumber: `BENCH${i % 10 === 0 ? 'BC' : 'CPE'}${digits(i + 1, 4)}`,
      kind: i % 10 === 0 ? ('coordinating_office' as const) : ('cpe' as const),
      name: `Service ${i + 1} du banc d’essai`,
      enterpriseNeq: `38${digits(i + 1, 8)}`,
      divisionNumber: `3000-${digits(i + 1, 4)}`,
    })),
  ];
  await tx.insert(childcareService).values(services);
  const sites = services.flatMap((service, s) =>
    Array.from({ length: s === 0 ? 3 : 2 }, (_, k): SiteRow => ({
      id: randomUUID(),
      serviceId: service.id,
      kind: service.kind === 'coordinating_office' ? 'home_provider' : 'installation',
      number: `BENCH-${digits(s, 4)}-${k + 1}`,
      name: `${service.name} — site ${k + 1}`,
      address: `${10 + k}, rue du Banc`,
      municipality: 'Québec',
      postalCode: 'G1K 1A1',
      region: '03',
      directorateCode: String(11 + ((s + k) % 4)),
    })),
  );
  await tx.insert(installation).values(sites);
  return { ours: sites.slice(0, 3), others: sites.slice(3) };
}

export async function insertChildcareBenchData(db: Db, options: ChildcareBenchOptions): Promise<ChildcareBenchData> {
  const total = options.children ?? 100_000;
  const every = options.enterpriseEvery ?? 20;
  const batchSize = options.batchSize ?? 5000;
  const today = todayInQuebec();
  const lastYear = referenceYearOf(today) - 1;
  const since = `${lastYear}-04-01`;

  return transaction(db, async (tx) => {
    const { ours, others } = await insertServicesAndSites(tx, options.enterpriseNeq);
    const children: BenchChild[] = Array.from({ length: total }, (_, n) => {
      const sites = n % every === 0 ? ours : others;
      return { id: randomUUID(), ...benchIdentity(n), installationId: (sites[Math.floor(n / every) % sites.length] as SiteRow).id };
    });
    await insertInBatches(
      tx,
      'child',
      children.map((c) => ({
        id: c.id,
        nirec: c.nirec,
        necsg: c.necsg,
        last_name: c.lastName,
        first_name: c.firstName,
        birth_date: c.birthDate,
        search_key: childSearchKey(c),
        parent_name: `Parent ${c.lastName}`,
        home_address: '1, rue du Banc, Québec (Québec)',
        home_postal_code: 'G1K 1A1',
        home_phone: '418 555-0100',
      })),
      batchSize,
    );
    const periods = children.map((c) => ({ id: randomUUID(), child_id: c.id, installation_id: c.installationId, start_date: since }));
    await insertInBatches(tx, 'child_attendance', periods, batchSize);
    // One child in ten has no AIEH: the MES refusal has rows to meet too.
    const allowances = periods.filter((_, n) => n % 10 !== 9).map((p) => ({ ...p, id: randomUUID() }));
    await insertInBatches(tx, 'integration_allowance', allowances, batchSize);
    const funding = periods.filter((_, n) => n % 5 === 0).map((p) => ({ id: randomUUID(), child_id: p.child_id, installation_id: p.installation_id, reference_year: lastYear }));
    await insertInBatches(tx, 'mes_funding', funding, batchSize);
    // Fresh statistics, as autovacuum would give a server: the planner then knows a search key is selective.
    await tx.execute(sql`analyze child, child_attendance, integration_allowance, mes_funding, installation, childcare_service`);

    const oursIds = new Set(ours.map((s) => s.id));
    return {
      enterpriseNeq: options.enterpriseNeq,
      permitNumber: 'BENCHCPE0000',
      siteIds: ours.map((s) => s.id),
      enterpriseChildren: children.filter((c) => oursIds.has(c.installationId)).slice(0, 100),
      otherChildren: children.filter((c) => !oursIds.has(c.installationId)).slice(0, 100),
      counts: { children: total, attendance: periods.length, allowances: allowances.length, funding: funding.length },
    };
  });
}
