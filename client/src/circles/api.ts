import type {
  CircleErrorCode,
  CirclePublicFacts,
  CircleView,
  CreateCircleRequest,
  CreateCircleResponse,
  EnterSessionResponse,
  FollowUpRequest,
  MemberLinkResponse,
} from '@cercle/shared';

/** A refused call of the circles API: its code (null when the server could not be reached). */
export class CircleApiError extends Error {
  constructor(readonly code: CircleErrorCode | null) {
    super(`circle call refused: ${code ?? 'unreachable'}`);
  }
}

async function call<T>(method: string, path: string, secret: string | null, body?: unknown): Promise<T> {
  const headers: Record<string, string> = {};
  if (secret) headers.authorization = `Bearer ${secret}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  let response: Response;
  try {
    response = await fetch(path, {
      method,
      headers,
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  } catch {
    throw new CircleApiError(null);
  }
  if (!response.ok) {
    let code: CircleErrorCode | null = null;
    try {
      code = ((await response.json()) as { error?: { code?: CircleErrorCode } }).error?.code ?? null;
    } catch {
      code = null;
    }
    throw new CircleApiError(code);
  }
  if (response.status === 204) return null as T;
  const type = response.headers.get('content-type') ?? '';
  return (type.includes('json') ? await response.json() : await response.text()) as T;
}

const base = (circleId: string) => `/api/circles/${encodeURIComponent(circleId)}`;

export const circleApi = {
  create: (body: CreateCircleRequest) => call<CreateCircleResponse>('POST', '/api/circles', null, body),
  facts: (id: string) => call<CirclePublicFacts>('GET', base(id), null),
  view: (id: string, secret: string) => call<CircleView>('GET', `${base(id)}/view`, secret),
  join: (id: string, name: string, role?: 'coachee' | 'sponsor') =>
    call<MemberLinkResponse>('POST', `${base(id)}/members`, null, { name, ...(role ? { role } : {}) }),
  reissue: (id: string, secret: string, memberId: string) =>
    call<MemberLinkResponse>('POST', `${base(id)}/members/${memberId}/link`, secret),
  remove: (id: string, secret: string, memberId: string) =>
    call<null>('DELETE', `${base(id)}/members/${memberId}`, secret),
  open: (id: string, secret: string, body: { kind?: string; clientId?: string; topicRound?: boolean }) =>
    call<{ number: number; code: string }>('POST', `${base(id)}/sessions`, secret, body),
  enter: (id: string, secret: string, number: number) =>
    call<EnterSessionResponse>('POST', `${base(id)}/sessions/${number}/enter`, secret, {}),
  followUp: (id: string, secret: string, itemId: string, body: FollowUpRequest) =>
    call<null>('PATCH', `${base(id)}/follow-ups/${encodeURIComponent(itemId)}`, secret, body),
  export: (id: string, secret: string, format: 'json' | 'md') =>
    call<unknown>('GET', `${base(id)}/export?format=${format}`, secret),
  erase: (id: string, secret: string) => call<null>('DELETE', base(id), secret),
};
