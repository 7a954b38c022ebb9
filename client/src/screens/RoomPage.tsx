import { signal } from '@preact/signals';
import { useEffect } from 'preact/hooks';
import { fetchRoomFacts, type RoomFacts } from '../net/api.js';
import { joinRoom } from '../net/connection.js';
import { loadSeat, saveFacilitatorKey, takeFacilitatorKeyFromHash } from '../net/storage.js';
import { stage, view } from '../state/session.js';
import { ClosedScreen } from './ClosedScreen.js';
import { ConnectingScreen } from './ConnectingScreen.js';
import { JoinForm } from './JoinForm.js';
import { RecordScreen } from './RecordScreen.js';
import { RoomScreen } from './RoomScreen.js';
import { WaitingScreen } from './WaitingScreen.js';

/** Set by the home page right after creating a room: the facilitator lands with the invitation open. */
export const justCreated = signal<{
  code: string;
  facilitatorKey: string | null;
  phaseDrafts?: PhaseDraft[];
} | null>(null);
export type PhaseDraft = { id: string; name: { fr: string; en: string }; minutes: number };

/** What anyone with the code may know before joining (title, method); null while unknown or wrong. */
export const roomFacts = signal<RoomFacts | null>(null);
export const factsLoaded = signal(false);

/** `/r/<code>`: joins with a stored seat straight away, else asks for a name; then shows the room. */
export function RoomPage({ code }: { code: string }) {
  useEffect(() => {
    const key = takeFacilitatorKeyFromHash();
    if (key) saveFacilitatorKey(code, key);
    factsLoaded.value = false;
    void fetchRoomFacts(code).then((facts) => {
      roomFacts.value = facts;
      factsLoaded.value = true;
    });
    // A reload, or the home page that just created the room: go straight in with the stored seat.
    if (justCreated.value?.code !== code && loadSeat(code)) joinRoom(code);
  }, [code]);

  switch (stage.value) {
    case 'waiting':
      return <WaitingScreen />;
    case 'in_room':
      return view.value?.status === 'ended' ? <RecordScreen /> : <RoomScreen />;
    case 'closed':
      return view.value && stage.value === 'closed' && view.value.status === 'ended' ? (
        <RecordScreen />
      ) : (
        <ClosedScreen />
      );
    default:
      // A stored seat is being resumed (a reload): no name to ask, just say we are connecting.
      return stage.value === 'joining' && loadSeat(code) ? <ConnectingScreen /> : <JoinForm code={code} />;
  }
}
