/** Platform clients' requests answered by a simulator in-process, for tests that look at the exact wire. */
import { vi } from 'vitest';
import type { ChannelSimulator } from '../../channels/simulators';

export interface SentRequest {
  url: URL;
  /** The request body exactly as the client sent it. */
  body: string;
}

/** Stubs `fetch` (undo with `vi.restoreAllMocks()`): records every request and lets `sim` answer it, or `answer` when given. */
export function answerFromSimulator(sim: ChannelSimulator, answer?: unknown): SentRequest[] {
  const sent: SentRequest[] = [];
  vi.spyOn(globalThis, 'fetch').mockImplementation(async (input, init) => {
    const body = String(init?.body);
    sent.push({ url: new URL(String(input)), body });
    return answer === undefined ? sim.app.request(String(input), { ...init, body }) : Response.json(answer);
  });
  return sent;
}
