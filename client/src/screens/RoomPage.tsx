import { useEffect } from 'preact/hooks';
import { adoptRoomLocale } from '../i18n/index.js';
import { adoptRoomSecret, logbookSecretFromHash } from '../logbook/keys.js';
import { fetchRoomFacts } from '../net/api.js';
import { joinRoom } from '../net/connection.js';
import {
  clearHash,
  facilitatorKeyFromHash,
  isGone,
  loadSeat,
  saveFacilitatorKey,
  saveSeat,
  seatTokenFromHash,
} from '../net/storage.js';
import { factsLoaded, justCreated, roomFacts } from '../state/room.js';
import { endReason, joinError, stage, view } from '../state/session.js';
import { ClosedScreen } from './ClosedScreen.js';
import { ConnectingScreen } from './ConnectingScreen.js';
import { JoinForm } from './JoinForm.js';
import { RecordScreen } from './RecordScreen.js';
import { RoomScreen } from './RoomScreen.js';
import { WaitingScreen } from './WaitingScreen.js';

/** `/r/<code>`: joins with a stored seat straight away, else asks for a name; then shows the room. */
export function RoomPage({ code }: { code: string }) {
  useEffect(() => {
    // A link's logbook secret (`lk=`, LG-6) is read before the fragment is cleared; it never leaves here.
    const secret = logbookSecretFromHash();
    if (secret) adoptRoomSecret(code, secret);
    const key = facilitatorKeyFromHash();
    if (key) saveFacilitatorKey(code, key);
    // A seat brought from another device: the link's seat is this browser's seat in the room from now on.
    const seatToken = seatTokenFromHash();
    if (seatToken) saveSeat(code, { resumeToken: seatToken, participantId: '', name: '' });
    if (secret || key || seatToken) clearHash();
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
