import { type Circle, type Member, membersInOrder } from './circle.js';

/**
 * CI-4: the next codev client: among the members, the one who has been the client the fewest times
 * (sessions whose record names a client, or the client confirmed when a session was opened), never the
 * previous session's client when someone else can be, then the earliest to join. Null without members.
 */
export function proposeClient(circle: Circle): Member | null {
  const members = membersInOrder(circle);
  if (members.length === 0) return null;
  const times = new Map<string, number>(members.map((m) => [m.id, 0]));
  for (const id of pastClients(circle)) if (times.has(id)) times.set(id, times.get(id)! + 1);
  const last = pastClients(circle).at(-1) ?? null;
  const candidates = members.length > 1 ? members.filter((m) => m.id !== last) : members;
  let best = candidates[0]!;
  for (const m of candidates) if (times.get(m.id)! < times.get(best.id)!) best = m;
  return best;
}

/** Who was the client of each session so far, in order (the record's client, else the confirmed one). */
export function pastClients(circle: Circle): string[] {
  const clients: string[] = [];
  for (const session of circle.sessions) {
    const id = session.record?.clientId ?? session.clientId;
    if (id) clients.push(id);
  }
  return clients;
}

/**
 * CI-5: who is coached first in a peer-coaching pair's next session: the other member than last time
 * (the record's first coachee, else the one planned when it was opened); the first to join at the start.
 */
export function nextFirstCoachee(circle: Circle): Member | null {
  const members = membersInOrder(circle);
  if (members.length === 0) return null;
  const last = [...circle.sessions]
    .reverse()
    .find((s) => (s.record?.firstCoacheeId ?? s.firstCoacheeId) !== null);
  const lastId = last ? (last.record?.firstCoacheeId ?? last.firstCoacheeId) : null;
  if (lastId === null) return members[0]!;
  return members.find((m) => m.id !== lastId) ?? members[0]!;
}
