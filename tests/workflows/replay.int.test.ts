/**
 * Running orders live for weeks: a code change that makes the workflow decide differently on replay would
 * break them. Replays the recorded histories in tests/histories/ with the current workflow code.
 * Re-record after an intended change with `npm run histories:record`. The `v1-*` histories were recorded before
 * the LOCAL_STEPS_PATCH (workflows/order-context.ts): keep them as long as orders started then may still run.
 * The `pre-seal-*` histories are merged-parcel orders that confirmed their pick before SEAL_PARCEL_PATCH
 * (workflows/shipment-merge.ts): keep them as long as such orders may still run. Those and the `v1-*` ones that
 * ship also stand for orders shipped before EARLY_CARRIER_EVENTS_PATCH (workflows/fulfilment.ts). The
 * `pre-intake-claim-*` histories are orders started before the order starter made their duplicate claim and
 * looked for their pre-pack (they claim in the workflow, as orders started another way still do), and the `pre-one-step-pick-*` ones orders that opened their
 * pick task before ONE_STEP_PICK_PATCH (workflows/fulfilment.ts): keep them as long as such orders may still run.
 */
import { Worker } from '@temporalio/worker';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { expect, inject, it } from 'vitest';

const dir = fileURLToPath(new URL('../histories/', import.meta.url));

it('when the recorded order histories are replayed, then the current workflow code makes the same decisions', async () => {
  const files = readdirSync(dir).filter((f) => f.endsWith('.json'));
  expect(files.length).toBeGreaterThanOrEqual(3);
  // The worker converts the CLI's JSON export itself (historyFromJSON), with its own protobuf classes.
  const histories = files.map((f) => ({ workflowId: f.replace(/\.json$/, ''), history: JSON.parse(readFileSync(dir + f, 'utf8')) as unknown }));
  const failures: string[] = [];
  for await (const result of Worker.runReplayHistories({ workflowBundle: { codePath: inject('workflowBundlePath') } }, histories)) {
    if (result.error) failures.push(`${result.workflowId}: ${result.error.message}`);
  }
  expect(failures).toEqual([]);
});
