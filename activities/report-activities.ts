/**
 * The daily report's push to the WeCom group robot (docs/reports.md): one activity per message, so the
 * workflow retries each apart and a retry never repeats a message the group already has. Each attempt reads
 * the day's figures afresh (a past day's figures only change by late events, which the push should show).
 */
import { ApplicationFailure } from '@temporalio/activity';
import type { Db } from '../db/client';
import type { Logger } from '../infra/logger';
import { dailyPng } from '../reports/charts';
import { loadDailyReport } from '../reports/daily';
import { dailyMarkdown, imageMessage, redactWebhook, sendWecom, WecomImageRefused } from '../reports/wecom';
import type { DailyReportPart } from '../workflows/contract';

export interface ReportActivityDeps {
  db: Db;
  logger: Logger;
  /** WECOM_WEBHOOK_URL; without it a push fails at once (no retry) and its review task says why. */
  reports?: { wecomWebhookUrl?: string | undefined; fetch?: typeof fetch } | undefined;
}

export function createReportActivities({ db, logger, reports }: ReportActivityDeps) {
  return {
    async pushDailyReportPart(input: { date: string; part: DailyReportPart }): Promise<void> {
      const url = reports?.wecomWebhookUrl;
      if (!url) throw ApplicationFailure.nonRetryable('WECOM_WEBHOOK_URL is not set on the worker', 'NotConfigured');
      const report = await loadDailyReport(db, input.date);
      let message;
      try {
        message = input.part === 'markdown' ? dailyMarkdown(report) : imageMessage(await dailyPng(report));
      } catch (err) {
        // The picture itself is refused by the robot's rules: sending it again cannot help.
        if (err instanceof WecomImageRefused) throw ApplicationFailure.nonRetryable(err.message, err.name);
        throw err;
      }
      await sendWecom(url, message, reports.fetch ? { fetch: reports.fetch } : {});
      logger.info({ date: input.date, part: input.part, robot: redactWebhook(url) }, 'daily report sent to WeCom');
    },
  };
}
