import type { FastifyBaseLogger as Logger } from 'fastify';
import { systemCtx } from '../../platform/context.js';
import type { Db } from '../../platform/db/index.js';
import { runInterestReminders } from './families.js';

export type PeriodicJob = { runNow(): Promise<void>; stop(): Promise<void> };

/**
 * Runs the families' interest reminders periodically, beside the outbox worker (app.ts starts
 * both). Every instance may run it: each family is claimed by an update, so a family is mailed
 * once however many instances run. Mails go through the outbox, so the next drain sends them.
 */
export function startInterestReminders(db: Db, log: Logger, options: { publicUrl: string; intervalMs: number; afterRun?: () => void; onFailure?: () => void }): PeriodicJob {
  let running: Promise<void> | null = null;
  let stopped = false;
  const runNow = (): Promise<void> => {
    running ??= runInterestReminders(db, systemCtx('portal.interestReminders'), { now: new Date(), publicUrl: options.publicUrl })
      .then((result) => {
        if (result.reminded > 0 || result.deactivated > 0) {
          log.info(result, 'family interest reminders');
          options.afterRun?.();
        }
      })
      .catch((error: unknown) => {
        log.error({ errName: (error as Error).name }, 'family interest reminders failed');
        options.onFailure?.();
      })
      .finally(() => {
        running = null;
      });
    return running;
  };
  const timer = setInterval(() => {
    if (!stopped) void runNow();
  }, options.intervalMs);
  timer.unref();
  return {
    runNow,
    async stop() {
      stopped = true;
      clearInterval(timer);
      if (running) await running;
    },
  };
}
