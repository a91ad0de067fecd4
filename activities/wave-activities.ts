/**
 * Side effects of waves (波次, docs/waves.md): open a wave in one transaction, mark it packed once its tasks
 * are closed, and find the warehouses a scheduled run opens waves in. Idempotent: keyed on the wave id.
 */
import type { Db } from '../db/client';
import { openWave, packWaveIfDone, warehousesWithUnwavedTasks } from '../db/queries/waves';
import type { Logger } from '../infra/logger';
import type { OpenedWave, WaveInput } from '../workflows/contract';

export interface WaveActivityDeps {
  db: Db;
  logger: Logger;
}

export function createWaveActivities({ db, logger }: WaveActivityDeps) {
  return {
    /** The wave with its tasks claimed and its PDAs told; null when no open task qualified. */
    async openWave(input: WaveInput): Promise<OpenedWave | null> {
      const opened = await openWave(db, input);
      if (opened) {
        const { wave } = opened;
        logger.info({ waveId: wave.waveId, warehouseId: wave.warehouseId, orders: wave.orderIds.length, walkMeters: wave.walkMeters, naiveWalkMeters: wave.naiveWalkMeters }, 'wave opened');
      }
      return opened ?? null;
    },

    /** True once every task of the wave is closed (the wave is then marked packed, once). */
    async packWaveIfDone(params: { waveId: string }): Promise<boolean> {
      return packWaveIfDone(db, params.waveId);
    },

    async warehousesToWave(params: { warehouseIds?: string[] | undefined }): Promise<string[]> {
      return warehousesWithUnwavedTasks(db, params.warehouseIds);
    },
  };
}
