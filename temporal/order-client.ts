import { WorkflowExecutionAlreadyStartedError, WorkflowUpdateFailedError, type Client } from '@temporalio/client';
import { WorkflowIdReusePolicy, WorkflowNotFoundError, type SearchAttributePair } from '@temporalio/common';
import type { SignalDefinition, UpdateDefinition } from '@temporalio/common';
import type { Db } from '../db/client';
import type { Intake } from '../ingest/intake';
import { anyStockAvailable } from '../db/queries/inventory';
import { mergedOrderIds } from '../db/queries/dedup';
import { storedReturnRefs } from '../db/queries/returns';
import { findAllocation } from '../db/queries/allocations';
import { shipmentsOfOrder } from '../db/queries/shipments';
import { findIntake, markStarted } from '../db/queries/intake';
import { backorderedOrdersWanting, findOrder, orderExists } from '../db/queries/orders';
import { orderIdOf, type CanonicalOrder } from '../domain/order';
import {
  ChannelKey,
  getOrderQuery,
  moreStockSignal,
  orderWorkflowId,
  restockWorkflowId,
  OrderStatusKey,
  retryAllocationUpdate,
  StatusSinceKey,
  UrgentKey,
  type OrderState,
  type OrderTimings,
  type ShipmentRef,
  type OrderWorkflowInput,
} from '../workflows/contract';
import type { orderWorkflow } from '../workflows/order';

export interface OrderClientDeps {
  client: Client;
  db: Db;
  taskQueue: string;
  timings: OrderTimings;
  /** Where new orders are accepted (recorded and held) before their workflow starts. */
  intake: Intake;
}

export interface SubmitResult {
  orderId: string;
  workflowId: string;
  /** False when this channel order was already known: a redelivery is the same order. */
  created: boolean;
}

/** The order workflows as seen from outside: start them, ask them, tell them. Used by the API and the ingest. */
export function createOrderClient({ client, db, taskQueue, timings, intake }: OrderClientDeps) {
  const handle = (orderId: string) => client.workflow.getHandle<typeof orderWorkflow>(orderWorkflowId(orderId));

  /** Starts the workflow of an order the intake accepted (a second start finds it running: fine). */
  async function startAccepted(input: AcceptedInput): Promise<void> {
    try {
      await client.workflow.start<typeof orderWorkflow>('orderWorkflow', {
        workflowId: orderWorkflowId(input.orderId),
        taskQueue,
        args: [{ ...input, timings }],
        workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
        typedSearchAttributes: initialSearchAttributes(input.order, input.intake ? new Date(input.intake.acceptedAt) : new Date()),
      });
    } catch (err) {
      if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
    }
  }

  /** An accepted order whose workflow has not started yet is started now: true then, false when there was nothing to start. */
  async function ensureStarted(orderId: string): Promise<boolean> {
    const intake = await findIntake(db, orderId);
    if (!intake || intake.startedAt) return false;
    await startAccepted(intake.input as AcceptedInput);
    await markStarted(db, [orderId]);
    return true;
  }

  /** Signals the order's workflow, starting it first when the intake accepted the order and it has not started yet. */
  async function signalAccepted<Arg>(orderId: string, signal: SignalDefinition<[Arg]>, arg: Arg): Promise<void> {
    try {
      await handle(orderId).signal(signal, arg);
    } catch (err) {
      if (!(err instanceof WorkflowNotFoundError) || !(await ensureStarted(orderId))) throw err;
      await handle(orderId).signal(signal, arg);
    }
  }

  return {
    workflowId: orderWorkflowId,
    startAccepted,
    ensureStarted,

    /**
     * Accepts a new order (see ingest/intake.ts): recorded, its units held when `hold`, and its workflow started
     * by the order starter. `start: true` starts the workflow now instead, before answering (`POST /v1/orders`).
     * The order id is channel + channel order id, so any number of deliveries, concurrent or late, make one order.
     */
    async accept(order: CanonicalOrder, opts: { hold: boolean; start?: boolean }): Promise<SubmitResult> {
      const accepted = await intake.accept(order, { hold: opts.hold });
      if (accepted.created && opts.start && accepted.input) {
        await startAccepted(accepted.input);
        await markStarted(db, [accepted.orderId]);
      }
      return { orderId: accepted.orderId, workflowId: orderWorkflowId(accepted.orderId), created: accepted.created };
    },

    /** `POST /v1/orders`: accepted (held when already paid) and its workflow started before answering. */
    async submit(order: CanonicalOrder): Promise<SubmitResult> {
      return this.accept(order, { hold: Boolean(order.paidAt), start: true });
    },

    /**
     * A sales channel reports the order (ingest): the signal reaches its workflow, which is first started with
     * `order` when it does not exist yet — signal-with-start by the deterministic workflow id, so concurrent or
     * repeated deliveries make one workflow. An order whose workflow has closed takes nothing more (`closed`).
     * With `start: false` an order not known yet is left alone (`not-started`).
     */
    async deliver<Arg>(
      order: CanonicalOrder,
      signal: SignalDefinition<[Arg]>,
      signalArg: Arg,
      opts: { start?: boolean } = {},
    ): Promise<DeliverResult> {
      const orderId = orderIdOf(order.channel, order.channelOrderId);
      const workflowId = orderWorkflowId(orderId);
      // Known to the read model (or not to be started): only a signal, never a second start after retention.
      if (opts.start === false || (await orderExists(db, orderId))) {
        try {
          await signalAccepted(orderId, signal, signalArg);
          return { orderId, workflowId, outcome: 'signalled' };
        } catch (err) {
          if (!(err instanceof WorkflowNotFoundError)) throw err;
          return { orderId, workflowId, outcome: opts.start === false && !(await orderExists(db, orderId)) ? 'not-started' : 'closed' };
        }
      }
      try {
        await client.workflow.signalWithStart<typeof orderWorkflow, [unknown]>('orderWorkflow', {
          workflowId,
          taskQueue,
          args: [{ orderId, order, timings }],
          signal: signal as SignalDefinition<[unknown]>,
          signalArgs: [signalArg],
          workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
          typedSearchAttributes: initialSearchAttributes(order),
        });
        return { orderId, workflowId, outcome: 'signalled' };
      } catch (err) {
        if (err instanceof WorkflowExecutionAlreadyStartedError) return { orderId, workflowId, outcome: 'closed' };
        throw err;
      }
    },

    /** The live state from the workflow; for an order Temporal no longer holds, the read model. */
    async get(orderId: string): Promise<OrderState | undefined> {
      try {
        return await handle(orderId).query(getOrderQuery);
      } catch (err) {
        if (!(err instanceof WorkflowNotFoundError)) throw err;
        const stored = await findOrder(db, orderId);
        if (!stored) return undefined;
        // Temporal no longer holds the order (retention): everything the read model knows, from its own tables.
        const [merged, returns, allocation, waybills] = await Promise.all([
          mergedOrderIds(db, orderId),
          storedReturnRefs(db, orderId),
          findAllocation(db, orderId),
          shipmentsOfOrder(db, orderId),
        ]);
        return {
          ...stateFromReadModel(stored),
          merged,
          returns,
          allocation: allocation ? { rule: allocation.rule, warehouseId: allocation.warehouseId } : null,
          shipments: waybills.map((w) => ({
            direction: w.direction as ShipmentRef['direction'],
            carrier: w.carrier,
            waybillNo: w.waybillNo,
            status: w.status as ShipmentRef['status'],
            ...(w.lastEventAt ? { lastEventAt: w.lastEventAt.toISOString() } : {}),
          })),
        };
      }
    },

    /**
     * Stock of these SKUs became sellable: a durable restock run per SKU offers it to the backordered orders
     * (see workflows/restock.ts). Returns as soon as the runs are started or signalled.
     */
    async restock(skus: string[]): Promise<void> {
      await Promise.all(
        [...new Set(skus)].map((sku) =>
          client.workflow.signalWithStart('restockWorkflow', {
            workflowId: restockWorkflowId(sku),
            taskQueue,
            args: [{ skus: [sku] }],
            signal: moreStockSignal,
            signalArgs: [{ skus: [sku] }],
          }),
        ),
      );
    },

    /**
     * Offers stock to the backordered orders wanting one of these SKUs one at a time, oldest first (first
     * come, first served). Each order tries to allocate and answers before the next one is asked; once none of
     * the SKUs is available anywhere, the rest keep waiting. Reservation is transactional, so an order
     * competing at the same moment can never oversell; it can only take what is still there.
     */
    async offerStock(skus: string[], onProgress: () => void = () => undefined): Promise<void> {
      for (const orderId of await backorderedOrdersWanting(db, skus)) {
        onProgress();
        if (!(await anyStockAvailable(db, skus))) return;
        try {
          await withDeadline(handle(orderId).executeUpdate(retryAllocationUpdate, { args: [] }), RETRY_ALLOCATION_DEADLINE_MS);
        } catch (err) {
          if (err instanceof WorkflowNotFoundError || err instanceof WorkflowUpdateFailedError || err instanceof DeadlineExceeded) continue;
          throw err;
        }
      }
    },

    /**
     * Runs an Update on the order. An order whose workflow has closed still exists: the caller learns it is
     * too late (409), not that the order is unknown (404).
     */
    async update<Ret, Arg>(orderId: string, def: UpdateDefinition<Ret, [Arg]>, arg: Arg): Promise<Ret> {
      try {
        return await handle(orderId).executeUpdate(def, { args: [arg] });
      } catch (err) {
        if (!(err instanceof WorkflowNotFoundError)) throw err;
        // Accepted a moment ago and not started yet (the starters are behind): start it and ask again.
        if (await ensureStarted(orderId)) return handle(orderId).executeUpdate(def, { args: [arg] });
        const stored = await findOrder(db, orderId);
        if (!stored) throw err;
        throw new OrderClosedError(orderId, stored.row.status);
      }
    },

    handle,
  };
}

export type OrderClient = ReturnType<typeof createOrderClient>;

export interface DeliverResult {
  orderId: string;
  workflowId: string;
  /** `signalled`: the running workflow (started now or before) has the signal; `closed`: it has finished. */
  outcome: 'signalled' | 'closed' | 'not-started';
}

/** How long one backordered order may take to answer a stock offer before the next one is asked. */
const RETRY_ALLOCATION_DEADLINE_MS = 15_000;

class DeadlineExceeded extends Error {}

function withDeadline<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new DeadlineExceeded(`no answer within ${ms} ms`)), ms);
  });
  promise.catch(() => undefined); // a late failure after the deadline is nobody's concern
  return Promise.race([promise, deadline]).finally(() => clearTimeout(timer));
}

/** The order exists but its workflow has finished: nothing can change it any more. */
export class OrderClosedError extends Error {
  constructor(
    readonly orderId: string,
    readonly status: string,
  ) {
    super(`order is ${status}; it can no longer change`);
  }
}

export function initialSearchAttributes(order: CanonicalOrder, since = new Date()): SearchAttributePair[] {
  return [
    { key: OrderStatusKey, value: 'PENDING_PAYMENT' },
    { key: ChannelKey, value: order.channel },
    { key: UrgentKey, value: order.urgent },
    { key: StatusSinceKey, value: since },
  ];
}

/** The workflow input the intake stored; the client adds its timings. */
export type AcceptedInput = Omit<OrderWorkflowInput, 'timings'>;

function stateFromReadModel({ row, lines, events }: NonNullable<Awaited<ReturnType<typeof findOrder>>>): OrderState {
  return {
    orderId: row.orderId,
    channel: row.channel as OrderState['channel'],
    channelOrderId: row.channelOrderId,
    ...(row.storeId ? { storeId: row.storeId } : {}),
    status: row.status as OrderState['status'],
    statusSince: row.statusSince.toISOString(),
    urgent: row.urgent,
    createdAt: row.orderedAt.toISOString(),
    paidAt: row.paidAt?.toISOString() ?? null,
    customer: row.customer as OrderState['customer'],
    shippingAddress: row.shippingAddress as OrderState['shippingAddress'],
    lines: lines.map((l) => ({ sku: l.sku, quantity: l.quantity, unitPriceFen: l.unitPriceFen, ...(l.title ? { title: l.title } : {}) })),
    totalFen: row.totalFen,
    allocation: null,
    // A closed order has no open warehouse task.
    tasks: [],
    shipments: [],
    returns: [],
    mergedInto: row.mergedInto,
    merged: [],
    timeline: events.map((e) => ({
      seq: e.seq,
      at: e.at.toISOString(),
      type: e.type,
      ...(e.status ? { status: e.status as OrderState['status'] } : {}),
      ...(e.data ? { detail: e.data as Record<string, unknown> } : {}),
    })),
  };
}
