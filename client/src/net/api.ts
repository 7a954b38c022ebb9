import type { CreateRoomRequest, CreateRoomResponse, RoomFacts } from '@cercle/shared';

export type { RoomFacts };

export async function createRoomRequest(body: CreateRoomRequest): Promise<CreateRoomResponse> {
  const response = await fetch('/api/rooms', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (response.status !== 201 && response.status !== 200) throw new Error(`create ${response.status}`);
  return (await response.json()) as CreateRoomResponse;
}

/** The public facts of a room, or null for a wrong, ended or unknown code (one answer for all). */
export async function fetchRoomFacts(code: string): Promise<RoomFacts | null> {
  try {
    const response = await fetch(`/api/rooms/${encodeURIComponent(code)}`);
    if (!response.ok) return null;
    return (await response.json()) as RoomFacts;
  } catch {
    return null;
  }
}
