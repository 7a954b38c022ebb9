export {
  type PhaseFields,
  type PhaseListRefusal,
  type PhaseSpec,
  phasesFromSpecs,
} from './commands/phase-edits.js';
export * from './decide.js';
export * from './events.js';
export * from './limits.js';
export * from './patch.js';
export {
  admittedSeats,
  allowedCommands,
  commandGate,
  currentPhase,
  isDriver,
  keyHolder,
  mayHoldFloor,
  mayPost,
  mayRecord,
  postableKinds,
  type Refusal,
  type RulesView,
  removalBlocker,
  roleCount,
} from './permissions.js';
export * from './room.js';
export * from './template.js';
export * from './templates/index.js';
export * from './timer.js';
export * from './views.js';
