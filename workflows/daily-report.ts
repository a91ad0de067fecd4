/**
 * One push of the daily report to the WeCom group (docs/reports.md): the summary as markdown, then the day's
 * chart as an image. Each is its own activity with its own retries (a refusal or an outage of the robot is
 * retried with backoff; a retry never repeats the message that went through). When a part still fails after
 * every retry, a person is told by a `daily-report-push` review task, and the run ends: the other part was
 * still sent, and ops can push again (`POST /v1/reports/daily/push`).
 *
 * Started by the API, or by the Temporal Schedule at DAILY_REPORT_AT (temporal/schedules.ts) without a date:
 * the day before the run started, in Shanghai.
 */
import { ActivityFailure, proxyActivities, workflowInfo } from '@temporalio/workflow';
import { DAY_MS, shanghaiDate } from '../domain/shanghai-time';
import type { Activities } from '../activities';
import { DAILY_REPORT_PUSH_FAILED, type DailyReportInput, type DailyReportOutcome, type DailyReportPart } from './contract';

const DEFAULT_RETRY = { initialIntervalMs: 30_000, maximumAttempts: 6 };

// Opening the review task is retried until it works: the failure must reach a person.
const { openReviewTask } = proxyActivities<Activities>({ startToCloseTimeout: '1 minute', retry: { initialInterval: '1 second', maximumInterval: '1 minute' } });

export async function dailyReportWorkflow(input: DailyReportInput = {}): Promise<DailyReportOutcome> {
  // Date.now() in a workflow is the time of the current workflow task, recorded in history: the same on replay.
  const date = input.date ?? shanghaiDate(Date.now() - DAY_MS);
  const retry = input.retry ?? DEFAULT_RETRY;
  const { pushDailyReportPart } = proxyActivities<Activities>({
    // Reading the day and drawing the chart take seconds; the robot answers in well under one.
    startToCloseTimeout: '2 minutes',
    retry: { initialInterval: retry.initialIntervalMs, backoffCoefficient: 2, maximumInterval: '10 minutes', maximumAttempts: retry.maximumAttempts },
  });

  const sent: DailyReportPart[] = [];
  const failed: { part: DailyReportPart; error: string }[] = [];
  for (const part of ['markdown', 'image'] as const) {
    try {
      await pushDailyReportPart({ date, part });
      sent.push(part);
    } catch (err) {
      if (!(err instanceof ActivityFailure)) throw err;
      failed.push({ part, error: err.cause?.message ?? err.message });
    }
  }
  if (failed.length === 0) return { date, sent, failed: [] };

  const { workflowId } = workflowInfo();
  const reviewTaskId = `review-${workflowId}`;
  await openReviewTask({
    id: reviewTaskId,
    kind: DAILY_REPORT_PUSH_FAILED,
    reason: `daily report ${date}: ${failed.map((f) => f.part).join(' and ')} not delivered to the WeCom group after ${retry.maximumAttempts} attempts: ${failed[0]!.error}`,
    data: { date, workflowId, sent, failed },
  });
  return { date, sent, failed: failed.map((f) => f.part), reviewTaskId };
}
