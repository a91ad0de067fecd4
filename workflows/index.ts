// Entry point of the workflow bundle: every workflow type the worker runs.
export { orderWorkflow } from './order';
export { pollStoreWorkflow } from './poll-store';
export { stockSyncWorkflow } from './stock-sync';
export { trackingWriteBackWorkflow } from './channel-writeback';
export { restockWorkflow } from './restock';
export { waveScheduleWorkflow, waveWorkflow } from './wave';
export { dailyReportWorkflow } from './daily-report';
export { pricePollWorkflow } from './price-poll';
export { prepackWorkflow, prepackScoringWorkflow, prepackTrainingWorkflow } from './prepack';
