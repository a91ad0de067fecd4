/** The activity proxies every part of the order workflow uses (types only: no activity code in the bundle). */
import { proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../activities';

export const activities = proxyActivities<Activities>({
  startToCloseTimeout: '1 minute',
  // Retried until it works: a failing dependency parks the order (visible in the Temporal UI), it never drops it.
  retry: { initialInterval: '1 second', maximumInterval: '1 minute' },
});
