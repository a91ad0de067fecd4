/**
 * Platform clients' requests answered in-process, for tests that look at the exact wire: an undici `MockAgent`
 * stands in as the global dispatcher the clients' `request()` goes through (channels/http.ts), so nothing leaves
 * the process. Undo with `restorePlatformCalls()`.
 */
import { getGlobalDispatcher, MockAgent, setGlobalDispatcher, type Dispatcher } from 'undici';
import type { ChannelSimulator } from '../../channels/simulators';

export interface SentRequest {
  url: URL;
  /** The request body exactly as the client sent it. */
  body: string;
}

let original: Dispatcher | undefined;

/** Records every platform request and answers it with `answer`'s text (HTTP 200, as platforms answer even refusals). */
export function interceptPlatformCalls(answer: (request: SentRequest & { method: string; headers: Record<string, string> }) => string | Promise<string>): SentRequest[] {
  restorePlatformCalls();
  original = getGlobalDispatcher();
  const agent = new MockAgent();
  agent.disableNetConnect();
  const sent: SentRequest[] = [];
  agent
    .get(() => true)
    .intercept({ path: () => true, method: () => true })
    .reply(200, async (opts) => {
      const request = { url: new URL(opts.path, opts.origin), body: opts.body === undefined || opts.body === null ? '' : String(opts.body) };
      sent.push(request);
      return answer({ ...request, method: opts.method, headers: opts.headers as Record<string, string> });
    })
    .persist();
  setGlobalDispatcher(agent);
  return sent;
}

/** The requests answered by `sim` in-process (or with `answer` when given). */
export function answerFromSimulator(sim: ChannelSimulator, answer?: unknown): SentRequest[] {
  return interceptPlatformCalls(async ({ url, body, method, headers }) =>
    answer === undefined ? (await sim.app.request(url.toString(), { method, headers, ...(method === 'GET' ? {} : { body }) })).text() : JSON.stringify(answer),
  );
}

export function restorePlatformCalls(): void {
  if (original) setGlobalDispatcher(original);
  original = undefined;
}
