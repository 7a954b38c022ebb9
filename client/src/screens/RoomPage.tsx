import { signal } from '@preact/signals';
import { useEffect } from 'preact/hooks';
import { adoptRoomLocale } from '../i18n/index.js';
import { adoptRoomSecret, logbookSecretFromHash } from '../logbook/keys.js';
import { fetchRoomFacts, type RoomFacts } from '../net/api.js';
import { joinRoom } from '../net/connection.js';
import { isGone, loadSeat, saveFacilitatorKey, takeFacilitatorKeyFromHash } from '../net/storage.js';
import { endReason, joinError, stage, view } from '../state/session.js';
import { ClosedScreen } from './ClosedScreen.js';
import { ConnectingScreen } from './ConnectingScreen.js';
import { JoinForm } from './JoinForm.js';
import { RecordScreen } from './RecordScreen.js';
import { RoomScreen } from './RoomScreen.js';
import { WaitingScreen } from './WaitingScreen.js';

/** Set by the home page right after creating a room: the facilitator lands with the invitation open. */
export const justCreated = signal<{ code: string; facilitatorKey: string | null } | null>(null);

/** What anyone with the code may know before joining (title, method); null while unknown or wrong. */
export const roomFacts = signal<RoomFacts | null>(null);
export const factsLoaded = signal(false);

/** `/r/<code>`: joins with a stored seat straight away, else asks for a name; then shows the room. */
export function RoomPage({ code }: { code: string }) {
  useEffect(() => {
    // A link's logbook secret (`lk=`, LG-6) is read before the fragment is cleared; it never leaves here.
    const secret = logbookSecretFromHash();
    if (secret) adoptRoomSecret(code, secret);
    const key = takeFacilitatorKeyFromHash();
    if (key) saveFacilitatorKey(code, key);
    factsLoaded.value = false;
    void fetchRoomFacts(code).then((facts) => {
      roomFacts.value = facts;
      factsLoaded.value = true;
      if (facts) adoptRoomLocale(facts.locale);
    });
    // A reload, or the home page that just created the room: go straight in with the stored seat.
    if (justCreated.value?.code !== code && loadSeat(code)) joinRoom(code);
  }, [code]);

  // The room's language, for a browser that asks for neither French nor English.
  const roomLocale = view.value?.locale;
  useEffect(() => {
    if (roomLocale) adoptRoomLocale(roomLocale);
  }, [roomLocale]);

  switch (stage.value) {
    case 'waiting':
      return <WaitingScreen />;
    case 'in_room':
      return view.value?.status === 'ended' ? <RecordScreen /> : <RoomScreen />;
    case 'closed':
      // Ended, or ended and erased: the page keeps what it showed, to download before it is gone.
      return view.value && (view.value.status === 'ended' || endReason.value === 'purged') ? (
        <RecordScreen />
      ) : (
        <ClosedScreen />
      );
    default: {
      // A room this browser saw erased: say so plainly rather than ask for a name (the code is dead).
      const gone =
        isGone(code) && ((factsLoaded.value && !roomFacts.value) || joinError.value === 'room_not_found');
      if (gone) return <ClosedScreen gone />;
      // A stored seat is being resumed (a reload): no name to ask, just say we are connecting.
      return stage.value === 'joining' && loadSeat(code) ? <ConnectingScreen /> : <JoinForm code={code} />;
    }
  }
}
