export { type CardMap, cardCount, cardOf, cardsInOrder, hasCard } from './cards.js';
export * from './circle-steps.js';
export { pendingTimerIds, withTimerCancels } from './commands/timing.js';
export * from './decide.js';
export {
  ChunkedMap,
  type EntryMap,
  editedKey,
  entryIn,
  hasEntry,
  keysOf,
  recordOf,
  valuesOf,
} from './entries.js';
export * from './events.js';
export { type FloorNow, floorNow } from './floor-now.js';
export * from './limits.js';
export { isRoleName, nameSkeleton, normaliseName } from './names.js';
export { ID_PATTERN, isWireId, own } from './own.js';
export * from './patch.js';
export {
  admittedSeats,
  currentPhase,
  expectedToFinish,
  isDriver,
  keyHolder,
  mayFinish,
  mayHoldFloor,
  mayPost,
  mayRecord,
  postableKinds,
  postsOnBoard,
  type RulesView,
  removalBlocker,
  roleCount,
} from './permissions.js';
export { type PhaseFields, type PhaseListRefusal, type PhaseSpec, phasesFromSpecs } from './phase-list.js';
export {
  allowedCommands,
  commandGate,
  type Gate,
  type GateContext,
  type Policy,
  permissionCodes,
  permits,
  policy,
  type Viewer,
} from './policy.js';
export { type Refusal, refuse } from './refusal.js';
export * from './room.js';
export { isRoomLiteral, ROOM_KEYS, roomValuesInto, sameKeys } from './roomShape.js';
export { MAX_ROOM_TEXT, roomTextLength } from './roomText.js';
export * from './template.js';
export * from './templates/index.js';
export * from './texts.js';
export * from './timer.js';
export * from './views.js';
