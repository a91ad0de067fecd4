import { createAllocationActivities, type AllocationActivityDeps } from './allocation-activities';
import { createChannelActivities, type ChannelActivityDeps } from './channel-activities';
import { createDedupActivities } from './dedup-activities';
import { createFinanceActivities, type FinanceActivityDeps } from './finance-activities';
import { createOrderActivities, type OrderActivityDeps } from './order-activities';
import { createPickStepActivities } from './pick-step';
import { createPrepackActivities, type PrepackActivityDeps } from './prepack-activities';
import { createReportActivities, type ReportActivityDeps } from './report-activities';
import { createRestockActivities, type RestockActivityDeps } from './restock-activities';
import { createReturnActivities, type ReturnActivityDeps } from './returns-activities';
import { createShipmentMergeActivities } from './shipment-merge-activities';
import { createWaveActivities } from './wave-activities';

export type ActivityDeps = OrderActivityDeps &
  RestockActivityDeps &
  Partial<Pick<ReturnActivityDeps, 'purchasingNotifier'>> &
  Partial<Pick<AllocationActivityDeps, 'purchasing' | 'replenishment'>> &
  Partial<Pick<ChannelActivityDeps, 'channels'>> &
  Partial<Pick<ReportActivityDeps, 'reports'>> &
  Partial<Pick<FinanceActivityDeps, 'finance'>> &
  Partial<Pick<PrepackActivityDeps, 'prepack'>>;

/** Every activity the worker registers, built over real (or test) dependencies. */
export function createActivities(deps: ActivityDeps) {
  const order = createOrderActivities(deps);
  const shipmentMerge = createShipmentMergeActivities(deps);
  return {
    ...order,
    ...createReturnActivities(deps),
    ...createDedupActivities(deps),
    ...shipmentMerge,
    ...createPickStepActivities(deps.db, order, shipmentMerge),
    ...createAllocationActivities(deps),
    ...createChannelActivities(deps),
    ...createRestockActivities(deps),
    ...createWaveActivities(deps),
    ...createReportActivities(deps),
    ...createFinanceActivities(deps),
    ...createPrepackActivities(deps),
  };
}
export type Activities = ReturnType<typeof createActivities>;
