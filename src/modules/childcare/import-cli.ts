import { systemCtx } from '../../platform/context.js';
import { runCsvImportCli } from '../../platform/imports/cli.js';
import { formatImportError, importChildcareLines, parseChildcareFile } from './import.js';

/**
 * `npm run childcare:import FILE.csv`: loads or updates the childcare records (services, sites,
 * children, attendance, AIEH, MES funding) from a CSV file, in one transaction (see
 * platform/imports/cli.ts for the exit codes).
 */
await runCsvImportCli({
  script: 'childcare:import',
  parse(bytes) {
    const parsed = parseChildcareFile(bytes);
    return parsed.ok ? { ok: true, value: parsed.lines } : parsed;
  },
  formatError: formatImportError,
  async run(db, _config, lines, fileName) {
    const result = await importChildcareLines(db, systemCtx('childcare-import'), lines, fileName);
    if (!result.ok) return result;
    const { service, site, child, attendance, allowance, funding } = result.counts;
    return {
      ok: true,
      summary:
        `Dossiers des services de garde : ${service} service(s), ${site} site(s), ${child} enfant(s), ${attendance} fréquentation(s), ${allowance} AIEH, ${funding} financement(s) MES importés (créés ou mis à jour). / ` +
        `Childcare records: ${service} service(s), ${site} site(s), ${child} child(ren), ${attendance} attendance period(s), ${allowance} AIEH, ${funding} MES funding row(s) imported (created or updated).`,
    };
  },
});
