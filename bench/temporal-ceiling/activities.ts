import { Context } from '@temporalio/activity';
import type pg from 'pg';

/** The one local activity of the ceiling workflow: records that the workflow got this far, nothing more. */
export interface CeilingActivities {
  recordReceived(orderId: string): Promise<void>;
}

/**
 * `onReceived` is told (in the worker's process) the workflow id and the time the activity ran; with `pool`
 * the activity also does one tiny PostgreSQL insert (table `temporal_ceiling`, see `ensureCeilingTable`), the
 * cheapest stand-in for the OMS order's "order received" write.
 */
export function createCeilingActivities(deps: {
  onReceived: (workflowId: string, at: number) => void;
  pool?: pg.Pool | undefined;
}): CeilingActivities {
  return {
    async recordReceived(orderId) {
      if (deps.pool) {
        await deps.pool.query('INSERT INTO temporal_ceiling (order_id) VALUES ($1) ON CONFLICT DO NOTHING', [orderId]);
      }
      deps.onReceived(Context.current().info.workflowExecution?.workflowId ?? '', Date.now());
    },
  };
}

export async function ensureCeilingTable(pool: pg.Pool): Promise<void> {
  await pool.query('CREATE TABLE IF NOT EXISTS temporal_ceiling (order_id text PRIMARY KEY, received_at timestamptz NOT NULL DEFAULT now())');
}
