// Messages first: the projects context imports this index and this context imports projects',
// so each index's messages must be evaluated before anything that uses the other's.
export {
  EstimateRevised,
  EstimateTask,
  EstimationOpened,
  estimationCommands,
  estimationEvents,
  OpenEstimation,
  ReviseEstimate,
  TaskEstimated,
} from './messages.js';
export type { EstimationCommand, EstimationEvent } from './messages.js';
export { estimationDecider, estimations, openEstimationOnTaskAdded } from './estimation.js';
export { estimates, GetEstimate } from './read-model.js';
export type { EstimateView } from './read-model.js';
