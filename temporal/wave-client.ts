/**
 * Waves as the API opens them: a waveWorkflow started together with its `waveOpened` update (update-with-start),
 * so the caller gets the wave as stored, or learns that no task qualified, in one round trip — and the orders
 * are told by the workflow, durably, whatever happens to the API process afterwards.
 */
import { WithStartWorkflowOperation, type Client } from '@temporalio/client';
import { randomBytes } from 'node:crypto';
import { waveIdOf, waveOpenedUpdate, waveWorkflowId, type WaveInput, type WaveRef } from '../workflows/contract';
import type { waveWorkflow } from '../workflows/wave';

export interface WaveClientDeps {
  client: Client;
  taskQueue: string;
}

export function createWaveClient({ client, taskQueue }: WaveClientDeps) {
  return {
    /** Opens a wave of the warehouse's qualifying tasks; null when none qualifies (nothing was opened). */
    async open(params: Omit<WaveInput, 'waveId'>): Promise<WaveRef | null> {
      const waveId = waveIdOf(params.warehouseId, new Date(), randomBytes(4).toString('hex'));
      const start = new WithStartWorkflowOperation<typeof waveWorkflow>('waveWorkflow', {
        workflowId: waveWorkflowId(waveId),
        taskQueue,
        args: [{ ...params, waveId }],
        // A fresh random id: a conflict would be a bug, not a second request for the same wave.
        workflowIdConflictPolicy: 'FAIL',
      });
      return client.workflow.executeUpdateWithStart(waveOpenedUpdate, { startWorkflowOperation: start });
    },
  };
}

export type WaveClient = ReturnType<typeof createWaveClient>;
