import type {
  CircleView,
  CreateCircleResponse,
  EnterSessionResponse,
  MemberLinkResponse,
} from '@cercle/shared';
import { join, type TestParticipant } from './clients.js';

/** A small client of the circles HTTP API, as docs/protocol.md describes it. */
export async function call(
  url: string,
  method: string,
  path: string,
  options: { secret?: string | undefined; body?: unknown } = {},
): Promise<{ status: number; body: unknown; text: string }> {
  const headers: Record<string, string> = {};
  if (options.secret) headers.authorization = `Bearer ${options.secret}`;
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(`${url}${path}`, {
    method,
    headers,
    ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
  });
  const text = await res.text();
  let body: unknown = null;
  try {
    body = text ? JSON.parse(text) : null;
  } catch {
    body = null;
  }
  return { status: res.status, body, text };
}

async function must<T>(promise: Promise<{ status: number; body: unknown }>, status: number): Promise<T> {
  const res = await promise;
  if (res.status !== status)
    throw new Error(`expected ${status}, got ${res.status}: ${JSON.stringify(res.body)}`);
  return res.body as T;
}

export type TestCircle = {
  url: string;
  circleId: string;
  facilitatorKey: string;
  members: Record<string, MemberLinkResponse>;
};

export async function createCircle(
  url: string,
  body: { kind: string; title: string; locale?: string },
): Promise<TestCircle> {
  const made = await must<CreateCircleResponse>(call(url, 'POST', '/api/circles', { body }), 201);
  return { url, circleId: made.circleId, facilitatorKey: made.facilitatorKey, members: {} };
}

export async function joinCircle(circle: TestCircle, name: string, role?: string) {
  const made = await must<MemberLinkResponse>(
    call(circle.url, 'POST', `/api/circles/${circle.circleId}/members`, {
      body: { name, ...(role ? { role } : {}) },
    }),
    201,
  );
  circle.members[name] = made;
  return made;
}

export function viewAs(circle: TestCircle, secret: string) {
  return must<CircleView>(call(circle.url, 'GET', `/api/circles/${circle.circleId}/view`, { secret }), 200);
}

export function openSession(circle: TestCircle, body: Record<string, unknown> = {}) {
  return must<{ number: number; code: string }>(
    call(circle.url, 'POST', `/api/circles/${circle.circleId}/sessions`, {
      secret: circle.facilitatorKey,
      body,
    }),
    201,
  );
}

/** Enters a session's room as a member (their secret) or the facilitator (the key), then joins live. */
export async function enterSession(
  circle: TestCircle,
  number: number,
  secret: string,
  label: string,
): Promise<TestParticipant> {
  const entered = await must<EnterSessionResponse>(
    call(circle.url, 'POST', `/api/circles/${circle.circleId}/sessions/${number}/enter`, {
      secret,
      body: {},
    }),
    200,
  );
  return join(circle.url, { code: entered.code, resumeToken: entered.resumeToken }, label);
}
