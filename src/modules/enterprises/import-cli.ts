import { systemCtx } from '../../platform/context.js';
import { runCsvImportCli } from '../../platform/imports/cli.js';
import { formatImportError, importRegistryRecords, parseRegistryFile } from './import.js';

/**
 * `npm run registry:import FILE.csv`: loads or updates the enterprise registry from a CSV file, in
 * one transaction (see platform/imports/cli.ts for the exit codes). The server's secret keys the
 * HMACs of the identifiers, or they would never match.
 */
await runCsvImportCli({
  script: 'registry:import',
  parse(bytes) {
    const parsed = parseRegistryFile(bytes);
    return parsed.ok ? { ok: true, value: parsed.records } : parsed;
  },
  formatError: formatImportError,
  async run(db, config, records, fileName) {
    const result = await importRegistryRecords(db, systemCtx('registry-import'), config.secret, records, fileName);
    if (!result.ok) return result;
    return {
      ok: true,
      summary: `Registre des entreprises : ${result.created} créée(s), ${result.updated} mise(s) à jour. / Enterprise registry: ${result.created} created, ${result.updated} updated.`,
    };
  },
});
