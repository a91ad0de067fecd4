/**
 * Keeps `order_facts` close behind the orders between reports: every `intervalMs` it recomputes the orders marked
 * since (db/queries/reports.ts `refreshPendingFacts`), except while `busy` says a burst is being taken in — the
 * intake has the machine then, and any report asked for meanwhile refreshes what it reads itself.
 */
import type { Db } from '../db/client';
import { refreshPendingFacts } from '../db/queries/reports';
import type { Logger } from '../infra/logger';

export interface FactsRefresher {
  stop(): Promise<void>;
}

export function startFactsRefresher({ db, logger, intervalMs = 5_000, busy }: { db: Db; logger: Logger; intervalMs?: number; busy: () => Promise<boolean> }): FactsRefresher {
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> = Promise.resolve();

  const round = async () => {
    try {
      if (await busy()) return;
      const n = await refreshPendingFacts(db, { wait: false });
      if (n > 0) logger.debug({ orders: n }, 'order facts refreshed');
    } catch (err) {
      logger.warn({ err }, 'could not refresh the order facts; the next round or report will');
    }
  };
  const schedule = () => {
    if (stopped) return;
    timer = setTimeout(() => {
      running = round().finally(schedule);
    }, intervalMs);
  };
  schedule();

  return {
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}
