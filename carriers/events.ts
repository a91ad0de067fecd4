import type { CarrierEvent } from './types';

/** Oldest first, one per eventId: carriers repeat routes across queries, pages and pushes. */
export function sortUnique(events: readonly CarrierEvent[]): CarrierEvent[] {
  const byId = new Map(events.map((e) => [e.eventId, e]));
  return [...byId.values()].sort((a, b) => a.at.localeCompare(b.at));
}
