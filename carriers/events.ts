import type { CarrierEvent } from './types';

/** Oldest first, one per eventId: carriers repeat routes across queries, pages and pushes. */
export function sortUnique(events: readonly CarrierEvent[]): CarrierEvent[] {
  const byId = new Map(events.map((e) => [e.eventId, e]));
  return [...byId.values()].sort((a, b) => a.at.localeCompare(b.at));
}

/**
 * A carrier's route entries as events, oldest first and one per eventId. An entry `toEvent` cannot read
 * (no parsable time) fails the whole answer with `unreadable(entry)`: a silently dropped scan could be the delivery.
 */
export function routeEvents<T>(
  entries: readonly T[],
  toEvent: (entry: T) => CarrierEvent | undefined,
  unreadable: (entry: T) => Error,
): CarrierEvent[] {
  return sortUnique(
    entries.map((entry) => {
      const event = toEvent(entry);
      if (!event) throw unreadable(entry);
      return event;
    }),
  );
}
