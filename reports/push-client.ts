/**
 * The daily report's push as the API starts it: a dailyReportWorkflow on the worker's task queue, answered at
 * once (the push and its retries may take minutes; its outcome is the workflow's result, and a failure ends
 * in a review task).
 */
import type { Client } from '@temporalio/client';
import { randomBytes } from 'node:crypto';
import { dailyReportWorkflowId, type DailyReportInput } from '../workflows/contract';
import type { dailyReportWorkflow } from '../workflows/daily-report';

export interface DailyReportClientDeps {
  client: Client;
  taskQueue: string;
  /** Retries of each message (tests shorten them); default the workflow's own. */
  retry?: DailyReportInput['retry'];
}

export function createDailyReportClient({ client, taskQueue, retry }: DailyReportClientDeps) {
  return {
    async push(date: string): Promise<{ workflowId: string }> {
      const workflowId = dailyReportWorkflowId(date, randomBytes(4).toString('hex'));
      await client.workflow.start<typeof dailyReportWorkflow>('dailyReportWorkflow', {
        workflowId,
        taskQueue,
        args: [{ date, ...(retry ? { retry } : {}) }],
      });
      return { workflowId };
    },
  };
}

export type DailyReportClient = ReturnType<typeof createDailyReportClient>;
