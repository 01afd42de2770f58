import type { Response } from 'supertest';

export interface ParallelRun<T = Response> {
  responses: T[];
  /** The most requests that were in flight at one moment, as the client saw them. */
  maxInFlight: number;
}

/**
 * Sends every request at once, each on its own connection, and measures how many were in
 * flight together, so a race test can show that its requests really overlapped (B6). The
 * requests may also be service calls, each on its own pooled database connection.
 */
export async function inParallel<T = Response>(
  requests: (() => PromiseLike<T>)[],
): Promise<ParallelRun<T>> {
  const spans: [number, number][] = [];
  const responses = await Promise.all(
    requests.map(async (send) => {
      const started = performance.now();
      const response = await send();
      spans.push([started, performance.now()]);
      return response;
    }),
  );
  const maxInFlight = Math.max(
    ...spans.map(([at]) => spans.filter(([start, end]) => start <= at && at < end).length),
  );
  return { responses, maxInFlight };
}

/** How many answered each status: `{ 200: 1, 429: 19 }`. */
export function statusCounts(responses: Response[]): Record<number, number> {
  const counts: Record<number, number> = {};
  for (const { status } of responses) counts[status] = (counts[status] ?? 0) + 1;
  return counts;
}
