export { commandOutcomeOf, createCommandBus } from './command-bus.js';
export type {
  AnyCommandHandler,
  CommandBus,
  CommandBusOptions,
  CommandOutcome,
} from './command-bus.js';
export { defineCommandHandler, handleCommand } from './command-handler.js';
export type {
  CommandEnvelope,
  CommandHandler,
  CommandHandlingOptions,
  CommandMetadata,
  ValidationContext,
} from './command-handler.js';
export type { CommandResult } from './command-result.js';
export { decidedEvents, foldEvents } from './decider.js';
export type { DecideContext, Decider, Message, SnapshotPolicy } from './decider.js';
export { deciderSpec } from './decider-spec.js';
export type { Expectation } from './decider-spec.js';
export { DomainError, IdempotencyConflictError, isDomainError } from './errors.js';
