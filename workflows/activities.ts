/** The activity proxies every part of the order workflow uses (types only: no activity code in the bundle). */
import { proxyActivities, proxyLocalActivities } from '@temporalio/workflow';
import type { Activities } from '../activities';

// Retried until it works: a failing dependency parks the order (visible in the Temporal UI), it never drops it.
const retry = { initialInterval: '1 second', maximumInterval: '1 minute' } as const;

/** Activities that talk to the outside world (carriers, platforms, 1688): each its own task, retried apart. */
export const activities = proxyActivities<Activities>({ startToCloseTimeout: '1 minute', retry });

/**
 * Short PostgreSQL steps run as local activities: in the worker, inside the workflow task that asks for them,
 * with no round trip through the Temporal server. Orders started before these existed keep the remote ones
 * (see `OrderContext.act`).
 */
export const localActivities = proxyLocalActivities<Activities>({ startToCloseTimeout: '30 seconds', retry });
