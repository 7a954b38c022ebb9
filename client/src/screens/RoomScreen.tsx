import { useSignal } from '@preact/signals';
import { RoomSteps } from '../circles/RoomSteps.js';
import { t } from '../i18n/index.js';
import { ActionPlanPanel } from '../panels/ActionPlanPanel.js';
import { Board } from '../panels/Board.js';
import { ConsolePanel } from '../panels/ConsolePanel.js';
import { DevicePanel } from '../panels/DevicePanel.js';
import { DonePanel } from '../panels/DonePanel.js';
import { DraftShelf } from '../panels/DraftShelf.js';
import { FailureToasts } from '../panels/FailureToasts.js';
import { GuidePanel, RulesPanel } from '../panels/GuidePanel.js';
import { IndicatorPanel } from '../panels/IndicatorPanel.js';
import { LearningPanel } from '../panels/LearningPanel.js';
import { LogbookPanel } from '../panels/LogbookPanel.js';
import { NowStrip } from '../panels/NowStrip.js';
import { PeoplePanel } from '../panels/PeoplePanel.js';
import { SharePanel } from '../panels/SharePanel.js';
import { StatementsPanel } from '../panels/StatementsPanel.js';
import { Stepper } from '../panels/Stepper.js';
import { SwapNotice } from '../panels/SwapNotice.js';
import { ConnectionBanner, TopBar } from '../panels/TopBar.js';
import { amDriver, isPair, waitingPeople } from '../state/derived.js';
import { view } from '../state/session.js';
import { Icon } from '../ui/Icon.js';

/** The room, for everyone; the console appears for whoever drives. */
export function RoomScreen() {
  const v = view.value;
  // The invitation is open while people arrive (lobby), then folds away; anyone can reopen it.
  const inviteOpen = useSignal<boolean | null>(null);
  if (!v) return null;
  const showInvite = inviteOpen.value ?? v.status === 'lobby';
  const waiting = amDriver.value ? waitingPeople.value.length : 0;
  return (
    <>
      <a class="skip-link" href="#main">
        {t().skipToMain}
      </a>
      <TopBar inviteOpen={showInvite} onInvite={() => (inviteOpen.value = !showInvite)} />
      <ConnectionBanner />
      {waiting > 0 && (
        <div class="banner locked" role="status">
          <Icon name="bell" /> {t().room.waitingPeople(waiting)}
        </div>
      )}
      <main id="main" class="page">
        {showInvite && <SharePanel showKey={amDriver.value && !isPair.value} />}
        <SwapNotice />
        <Stepper />
        <NowStrip />
        <div class="room-grid">
          <div>
            {amDriver.value && <ConsolePanel />}
            <DonePanel />
            <RoomSteps />
            <StatementsPanel />
            <GuidePanel />
            <DraftShelf />
            <Board />
            <IndicatorPanel />
            <ActionPlanPanel />
            <LearningPanel />
          </div>
          <aside>
            <PeoplePanel />
            <LogbookPanel />
            <DevicePanel />
            <RulesPanel />
          </aside>
        </div>
      </main>
      <FailureToasts />
    </>
  );
}
