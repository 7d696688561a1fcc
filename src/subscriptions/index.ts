export { createSubscriptionEngine } from './engine.js';
export type { SubscriptionEngine, SubscriptionEngineOptions } from './engine.js';
export {
  CheckpointMovedError,
  DuplicateSubscriberError,
  EventsFailedError,
  ParkedEventNotFoundError,
  SubscriberFailedError,
  SubscriberNotPausedError,
  UnknownSubscriberError,
} from './errors.js';
export { createParkedEvents } from './parked-events.js';
export { ensureCheckpoint } from './postgres/checkpoints.js';
export { parkEvents, settleParked, unpark } from './postgres/parking.js';
export type { SubscriberPause } from './postgres/pauses.js';
export type { ParkRequest } from './postgres/parking.js';
export type { ParkedActionOptions, ParkedEvents, ParkedOutcome } from './parked-events.js';
export {
  checkpointCoversSql,
  forgetSubscriber,
  hasParkedEventsSql,
  readStoredCheckpoint,
  subscriberLeaseKey,
  tryLeaseSubscriber,
} from './subscriber-records.js';
export type { StoredCheckpoint } from './subscriber-records.js';
export { storedSubscriberProgress } from './stored-progress.js';
export type { StoredSubscriberProgress } from './stored-progress.js';
export { DEFAULT_SUBSCRIBER_RETRY } from './subscription-worker.js';
export type {
  BatchHandler,
  ParkedEvent,
  PoisonPolicy,
  SubscriberActivity,
  SubscriberContext,
  SubscriberDefinition,
  SubscriberObserver,
  SubscriberState,
  SubscriberStatus,
  SubscriberStep,
} from './types.js';
